// Data requests: each customers/data_request Shopify forwarded, with how many
// of the customer's orders the app holds, and a JSON download of all it holds
// for them, to answer the request (app/admin/data-requests.server.ts).
import { useState } from "react";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BlockStack, Button, Card, EmptyState, IndexTable, Page, Text } from "@shopify/polaris";
import { showToast } from "~/admin/app-bridge";
import { AdminRouteError } from "~/admin/errors";
import { listDataRequests } from "~/admin/data-requests.server";
import { requireShop } from "~/admin/session.server";
import { requestClock } from "~/admin/shop-clock.server";
import { timeZoneNote } from "~/admin/format";

export const meta: MetaFunction = () => [{ title: "Data requests · Partner Sync" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const shopRequest = await requireShop(request);
  const clock = await requestClock(shopRequest);
  return { requests: await listDataRequests(shopRequest.ctx.db, shopRequest.shop, 100, clock.timeZone), timeZoneNote: timeZoneNote(clock) };
}

export default function DataRequests() {
  const { requests, timeZoneNote: zoneNote } = useLoaderData<typeof loader>();
  return (
    <Page
      title="Data requests"
      subtitle="When a customer asks your store for their data, Shopify tells the app. Download what the app holds for them and include it in your answer."
      backAction={{ content: "Home", url: "/app" }}
    >
      <BlockStack gap="400">
        <Card padding="0">
          {requests.length === 0 ? (
            <EmptyState heading="No data requests" image="">
              <p>None of your customers has asked for their data.</p>
            </EmptyState>
          ) : (
            <IndexTable
              resourceName={{ singular: "request", plural: "requests" }}
              itemCount={requests.length}
              selectable={false}
              headings={[{ title: "Received" }, { title: "Customer" }, { title: "Orders asked about" }, { title: "Orders the app holds" }, { title: "Download" }]}
            >
              {requests.map((request, index) => (
                <IndexTable.Row id={request.id} key={request.id} position={index}>
                  <IndexTable.Cell>{request.receivedText}</IndexTable.Cell>
                  <IndexTable.Cell>{request.customerId ? `Customer ${request.customerId}` : "No customer account"}</IndexTable.Cell>
                  <IndexTable.Cell>{request.ordersRequested.length}</IndexTable.Cell>
                  <IndexTable.Cell>{request.ordersHeld}</IndexTable.Cell>
                  <IndexTable.Cell>
                    <DownloadButton requestId={request.id} />
                  </IndexTable.Cell>
                </IndexTable.Row>
              ))}
            </IndexTable>
          )}
        </Card>
        <Text as="p" tone="subdued">
          The download has the orders the app stores for the customer as Shopify sent them, what was sent about each to the partners, and the ids the partners gave. {zoneNote}
        </Text>
      </BlockStack>
    </Page>
  );
}

/** A fetch, not a link: the request must carry the session token (App Bridge adds it to the page's fetches). */
function DownloadButton({ requestId }: { requestId: string }) {
  const [busy, setBusy] = useState(false);
  const download = async () => {
    setBusy(true);
    try {
      const response = await fetch(`/api/data-requests/${encodeURIComponent(requestId)}`);
      if (!response.ok) throw new Error(`status ${response.status}`);
      const name = /filename="([^"]+)"/.exec(response.headers.get("content-disposition") ?? "")?.[1] ?? `data-request-${requestId}.json`;
      const url = URL.createObjectURL(await response.blob());
      const link = document.createElement("a");
      link.href = url;
      link.download = name;
      link.click();
      URL.revokeObjectURL(url);
    } catch {
      showToast("The download did not work. Reload the page and try again.", { isError: true });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button onClick={() => void download()} loading={busy}>
      Download JSON
    </Button>
  );
}

export function ErrorBoundary() {
  return <AdminRouteError />;
}
