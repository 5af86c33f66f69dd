// What the admin's order page shows for TestFreaks (the server part is ./order-page.server.ts):
// which items TestFreaks holds and whether it will invite reviews for them.
import { Banner, BlockStack, DataTable, Text } from "@shopify/polaris";
import { PartnerReadView } from "~/admin/order-panels";
import type { PartnerRead } from "../order-page.server";
import type { PartnerUi } from "../ui";
import { testfreaksMeta } from "./meta";
import type { TestfreaksOrderView } from "./order-page.server";

function TestfreaksSection({ read }: { read: Promise<PartnerRead<TestfreaksOrderView>> }) {
  return (
    <PartnerReadView read={read} title="In TestFreaks">
      {(order) => (
        <BlockStack gap="200">
          {order.optedOut && (
            <Banner tone="warning">
              <p>The customer asked TestFreaks not to contact them: no review invitation is sent.</p>
            </Banner>
          )}
          {order.items.length === 0 ? (
            <Text as="p" tone="subdued">
              TestFreaks holds the order without any item.
            </Text>
          ) : (
            <DataTable
              columnContentTypes={["text", "text", "text"]}
              headings={["Item", "Delivered", "Review invitation"]}
              rows={order.items.map((item) => [
                item.name ?? item.id,
                item.deliveryDate ?? "Not yet",
                item.deleted ? "Removed" : item.reviewable === false ? "Not invited (cancelled or refunded)" : item.deliveryDate ? "Invited after delivery" : "Waiting for delivery",
              ])}
              increasedTableDensity
            />
          )}
        </BlockStack>
      )}
    </PartnerReadView>
  );
}

export const testfreaksUi: PartnerUi = { id: testfreaksMeta.id, OrderLive: TestfreaksSection };
