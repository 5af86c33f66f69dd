// The order page action: Preact rendering Polaris web components (s-admin-action,
// s-button, ...) into the Remote DOM the admin gives the extension. Shopify CLI's
// bundle registers the default export for the toml's target
// (`shopify.extend(target, (...args) => Extension(...args))`); the target's API is
// the `shopify` global (shopify.d.ts).
import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { useCallback, useEffect, useMemo, useState } from "preact/hooks";
import { jobStatusMeaning } from "../../../app/sync/job-status";
import { createOrderSyncClient, MESSAGES, orderIdFromGid, type Loaded, type OrderSyncStatus, type PartnerSyncRow } from "./api";

export default async () => {
  render(<OrderSyncAction />, document.body);
};

type Resync = { kind: "idle" } | { kind: "running" } | { kind: "done"; queued: number } | { kind: "failed"; message: string };

function OrderSyncAction() {
  const { data, close, i18n } = shopify;
  const orderId = orderIdFromGid(data.selected[0]?.id);
  const client = useMemo(() => createOrderSyncClient((input, init) => fetch(input, init)), []);
  const [view, setView] = useState<Loaded<OrderSyncStatus> | { kind: "loading" }>(orderId ? { kind: "loading" } : { kind: "error", message: MESSAGES.noOrder });
  const [resync, setResync] = useState<Resync>({ kind: "idle" });

  const load = useCallback(async () => {
    if (!orderId) return;
    setView({ kind: "loading" });
    setView(await client.load(orderId));
  }, [client, orderId]);

  useEffect(() => {
    void load();
  }, [load]);

  async function resyncAll() {
    if (!orderId) return;
    setResync({ kind: "running" });
    const answer = await client.resync(orderId);
    if (answer.kind === "ok") {
      setView({ kind: "ok", value: answer.value });
      setResync({ kind: "done", queued: answer.value.queued });
    } else if (answer.kind === "not_found") {
      setView(answer);
      setResync({ kind: "idle" });
    } else {
      setResync({ kind: "failed", message: answer.message });
    }
  }

  const when = (iso: string) => i18n.formatDate(new Date(iso), { dateStyle: "medium", timeStyle: "short" });
  const heading = view.kind === "ok" && view.value.orderName ? `Partner sync for ${view.value.orderName}` : "Partner sync";
  const running = resync.kind === "running";

  return (
    <s-admin-action heading={heading} loading={view.kind === "loading"}>
      <s-stack direction="block" gap="base">
        <ResyncBanner resync={resync} />
        {view.kind === "loading" && <s-paragraph>Loading this order&apos;s sync status…</s-paragraph>}
        {view.kind === "error" && (
          <s-banner tone="critical" heading="The sync status could not be loaded">
            <s-stack direction="block" gap="small">
              <s-paragraph>{view.message}</s-paragraph>
              {orderId && <s-button onClick={() => void load()}>Try again</s-button>}
            </s-stack>
          </s-banner>
        )}
        {view.kind === "not_found" && (
          <s-banner tone="info" heading="Partner Sync has not received this order">
            <s-paragraph>Orders placed before Partner Sync was installed are not sent to partners. New orders and changes to this one arrive on their own.</s-paragraph>
          </s-banner>
        )}
        {view.kind === "ok" && view.value.partners.length === 0 && (
          <s-banner tone="info" heading="Not queued for any partner">
            <s-paragraph>No partner was set up when this order arrived. Set up Reverb, Revers.io or TestFreaks in Partner Sync, then resync to send it.</s-paragraph>
          </s-banner>
        )}
        {view.kind === "ok" &&
          view.value.partners.map((row, index) => (
            <s-stack direction="block" gap="small" key={row.partner}>
              {index > 0 && <s-divider />}
              <PartnerRow row={row} when={when} />
            </s-stack>
          ))}
        {view.kind === "ok" && view.value.partners.length > 0 && (
          <s-stack direction="inline">
            <s-button variant="tertiary" onClick={() => void load()}>
              Refresh
            </s-button>
          </s-stack>
        )}
      </s-stack>
      <s-button slot="primary-action" variant="primary" onClick={() => void resyncAll()} disabled={view.kind !== "ok" || running} loading={running}>
        {running ? "Resyncing…" : "Resync all partners"}
      </s-button>
      <s-button slot="secondary-actions" onClick={() => close()}>
        Close
      </s-button>
    </s-admin-action>
  );
}

function PartnerRow({ row, when }: { row: PartnerSyncRow; when: (iso: string) => string }) {
  // What each job status means to a merchant (app/sync/job-status.ts, shared with the admin).
  const meaning = jobStatusMeaning(row.status);
  const words = meaning.extension;
  // Skipped and paused jobs keep their reason in lastError; it is not an error there.
  const reasonLabel = meaning.lastErrorIsReason ? "Reason" : "Last error";
  return (
    <s-stack direction="block" gap="small">
      <s-stack direction="inline" gap="small" alignItems="center">
        <s-text type="strong">{row.partnerName}</s-text>
        <s-badge tone={words.tone}>{words.label}</s-badge>
      </s-stack>
      {words.hint && <s-paragraph>{words.hint}</s-paragraph>}
      {row.remoteId && <s-paragraph>Partner reference: {row.remoteId}</s-paragraph>}
      {row.lastError && (
        <s-paragraph>
          {reasonLabel}: {row.lastError}
        </s-paragraph>
      )}
      <s-paragraph>
        {row.attempts === 1 ? "1 attempt" : `${row.attempts} attempts`}, last change {when(row.updatedAt)}
      </s-paragraph>
    </s-stack>
  );
}

function ResyncBanner({ resync }: { resync: Resync }) {
  if (resync.kind === "failed") {
    return (
      <s-banner tone="critical" heading="The order was not resynced">
        <s-paragraph>{resync.message}</s-paragraph>
      </s-banner>
    );
  }
  if (resync.kind !== "done") return null;
  if (resync.queued === 0) {
    return (
      <s-banner tone="warning" heading="Nothing to resync">
        <s-paragraph>No partner is set up and switched on in Partner Sync, so there is nowhere to send this order.</s-paragraph>
      </s-banner>
    );
  }
  const partners = resync.queued === 1 ? "1 partner" : `${resync.queued} partners`;
  return (
    <s-banner tone="success" heading={`Queued for ${partners}`}>
      <s-paragraph>Partner Sync sends the order again in a moment. Refresh to see the new status.</s-paragraph>
    </s-banner>
  );
}
