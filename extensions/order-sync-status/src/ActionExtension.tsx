import { useCallback, useEffect, useMemo, useState } from "react";
import {
  AdminAction,
  Badge,
  Banner,
  BlockStack,
  Button,
  Divider,
  InlineStack,
  Text,
  reactExtension,
  useApi,
} from "@shopify/ui-extensions-react/admin";
import { createOrderSyncClient, MESSAGES, orderIdFromGid, type Loaded, type OrderSyncStatus, type PartnerSyncRow } from "./api";

const TARGET = "admin.order-details.action.render";

export default reactExtension(TARGET, () => <OrderSyncAction />);

type Tone = "info" | "success" | "warning" | "critical";

/** What each job status means to a merchant. */
const STATUS_WORDS: Record<string, { label: string; tone?: Tone; hint: string }> = {
  synced: { label: "Synced", tone: "success", hint: "The partner has this order." },
  pending: { label: "Waiting to send", tone: "info", hint: "Partner Sync sends it shortly." },
  retrying: { label: "Retrying", tone: "warning", hint: "The last try did not go through; Partner Sync tries again on its own." },
  failed: { label: "Failed", tone: "critical", hint: "Partner Sync stopped trying. Fix the cause, then resync." },
  skipped: { label: "Not sent", hint: "This order does not need to go to this partner." },
  paused: { label: "Paused", tone: "warning", hint: "Sending is on hold until the partner's settings are fixed in Partner Sync." },
};

type Resync = { kind: "idle" } | { kind: "running" } | { kind: "done"; queued: number } | { kind: "failed"; message: string };

function OrderSyncAction() {
  const { data, close, i18n } = useApi(TARGET);
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
  const title = view.kind === "ok" && view.value.orderName ? `Partner sync for ${view.value.orderName}` : "Partner sync";

  return (
    <AdminAction
      title={title}
      loading={view.kind === "loading"}
      primaryAction={
        <Button variant="primary" onPress={resyncAll} disabled={view.kind !== "ok" || resync.kind === "running"}>
          {resync.kind === "running" ? "Resyncing…" : "Resync all partners"}
        </Button>
      }
      secondaryAction={<Button onPress={close}>Close</Button>}
    >
      <BlockStack gap="base">
        <ResyncBanner resync={resync} />
        {view.kind === "loading" && <Text>Loading this order&apos;s sync status…</Text>}
        {view.kind === "error" && (
          <Banner tone="critical" title="The sync status could not be loaded">
            <BlockStack gap="small">
              <Text>{view.message}</Text>
              {orderId && <Button onPress={load}>Try again</Button>}
            </BlockStack>
          </Banner>
        )}
        {view.kind === "not_found" && (
          <Banner tone="info" title="Partner Sync has not received this order">
            <Text>Orders placed before Partner Sync was installed are not sent to partners. New orders and changes to this one arrive on their own.</Text>
          </Banner>
        )}
        {view.kind === "ok" && view.value.partners.length === 0 && (
          <Banner tone="info" title="Not queued for any partner">
            <Text>No partner was set up when this order arrived. Set up Reverb, Revers.io or TestFreaks in Partner Sync, then resync to send it.</Text>
          </Banner>
        )}
        {view.kind === "ok" &&
          view.value.partners.map((row, index) => (
            <BlockStack gap="small" key={row.partner}>
              {index > 0 && <Divider />}
              <PartnerRow row={row} when={when} />
            </BlockStack>
          ))}
        {view.kind === "ok" && view.value.partners.length > 0 && (
          <InlineStack>
            <Button variant="tertiary" onPress={load}>
              Refresh
            </Button>
          </InlineStack>
        )}
      </BlockStack>
    </AdminAction>
  );
}

function PartnerRow({ row, when }: { row: PartnerSyncRow; when: (iso: string) => string }) {
  const words = STATUS_WORDS[row.status] ?? { label: row.status, hint: "" };
  // Skipped and paused jobs keep their reason in lastError; it is not an error there.
  const reasonLabel = row.status === "skipped" || row.status === "paused" ? "Reason" : "Last error";
  return (
    <BlockStack gap="small">
      <InlineStack gap="small" blockAlignment="center">
        <Text fontWeight="bold">{row.partnerName}</Text>
        <Badge tone={words.tone}>{words.label}</Badge>
      </InlineStack>
      {words.hint && <Text>{words.hint}</Text>}
      {row.remoteId && <Text>Partner reference: {row.remoteId}</Text>}
      {row.lastError && (
        <Text>
          {reasonLabel}: {row.lastError}
        </Text>
      )}
      <Text>
        {row.attempts === 1 ? "1 attempt" : `${row.attempts} attempts`}, last change {when(row.updatedAt)}
      </Text>
    </BlockStack>
  );
}

function ResyncBanner({ resync }: { resync: Resync }) {
  if (resync.kind === "failed") {
    return (
      <Banner tone="critical" title="The order was not resynced">
        <Text>{resync.message}</Text>
      </Banner>
    );
  }
  if (resync.kind !== "done") return null;
  if (resync.queued === 0) {
    return (
      <Banner tone="warning" title="Nothing to resync">
        <Text>No partner is set up and switched on in Partner Sync, so there is nowhere to send this order.</Text>
      </Banner>
    );
  }
  const partners = resync.queued === 1 ? "1 partner" : `${resync.queued} partners`;
  return (
    <Banner tone="success" title={`Queued for ${partners}`}>
      <Text>Partner Sync sends the order again in a moment. Refresh to see the new status.</Text>
    </Banner>
  );
}
