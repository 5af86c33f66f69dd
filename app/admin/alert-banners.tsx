// The banner every admin page shows while an incident is open (app/sync/alerts.server.ts):
// what happened, where to fix it (for orders waiting for the merchant: the one order's
// page, or the sync log of those waiting), and, for a failures incident, a way to dismiss it.
import { useFetcher } from "@remix-run/react";
import { Banner, BlockStack, Page } from "@shopify/polaris";
import type { AlertView } from "~/sync/alerts.server";

export function AlertBanners({ alerts }: { alerts: Pick<AlertView, "id" | "title" | "message" | "actionPath" | "actionLabel" | "dismissible" | "kind">[] }) {
  const fetcher = useFetcher();
  const dismissing = fetcher.formData?.get("id");
  const shown = alerts.filter((alert) => alert.id !== dismissing);
  if (shown.length === 0) return null;
  return (
    // A Page without a title: the banners take the width of the page below them.
    <Page>
      <BlockStack gap="200">
        {shown.map((alert) => (
          <Banner
            key={alert.id}
            tone={alert.kind === "credentials_refused" ? "critical" : "warning"}
            title={alert.title}
            action={{ content: alert.actionLabel, url: alert.actionPath }}
            secondaryAction={{ content: "All alerts", url: "/app/alerts" }}
            onDismiss={alert.dismissible ? () => fetcher.submit({ intent: "dismiss", id: alert.id }, { method: "post", action: "/app/alerts" }) : undefined}
          >
            <p>{alert.message}</p>
          </Banner>
        ))}
      </BlockStack>
    </Page>
  );
}
