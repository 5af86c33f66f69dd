// What TestFreaks adds to the order page: its record of the order, read live (which
// items it will invite reviews for). Never throws; the panel is ./ui.tsx.
import { describePartnerFailure, prepare, type OrderPageServer, type PartnerRead, type PartnerReadDeps } from "../order-page.server";
import { createTestfreaksClient } from "./client";
import { testfreaksConnector } from "./index";
import type { TestfreaksConfig } from "./schema";

export interface TestfreaksOrderView {
  id: string;
  /** The customer asked TestFreaks not to be contacted. */
  optedOut: boolean;
  items: { id: string; name: string | null; deliveryDate: string | null; reviewable: boolean | null; deleted: boolean }[];
}

/** TestFreaks' record of the order: which items it will invite reviews for. */
export async function testfreaksViewOfOrder(deps: PartnerReadDeps, shop: string, orderId: string): Promise<PartnerRead<TestfreaksOrderView>> {
  const loaded = await prepare<TestfreaksConfig>(deps, shop, orderId, testfreaksConnector);
  if ("failure" in loaded) return loaded.failure;
  if (!loaded.remoteId) return { status: "none", message: "This order is not in TestFreaks yet. What TestFreaks holds shows here once it has synced." };
  try {
    const client = createTestfreaksClient(loaded.clientDeps, loaded.config);
    const order = await client.getOrder(loaded.remoteId);
    if (!order) return { status: "none", message: "TestFreaks does not know this order. Resync it to send it again." };
    return {
      status: "ok",
      value: {
        id: order.id,
        optedOut: order.customer?.opt_out === true,
        items: (order.items ?? []).map((item) => ({
          id: item.id,
          name: item.name ?? null,
          deliveryDate: item.delivery_date ?? null,
          reviewable: item.reviewable ?? null,
          deleted: item.deleted === true,
        })),
      },
    };
  } catch (error) {
    deps.logger.warn("testfreaks order read failed", { shop, orderId, error: error instanceof Error ? error.message : String(error) });
    return { status: "error", message: describePartnerFailure("TestFreaks", error) };
  }
}

/** The order page's TestFreaks part (testfreaksConnector.orderPage). */
export const testfreaksOrderPage: OrderPageServer = { read: testfreaksViewOfOrder };
