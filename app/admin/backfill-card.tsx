// The admin's cards for a store's past orders: "Send past orders" (a backfill
// from a date, with its progress bar, cancel, and the last one's summary) on a
// partner's page and on Home, and reconciliation's result on Home. They read and
// post through app/routes/app.history.tsx, polling while a backfill runs.
import { useEffect, useState } from "react";
import { useFetcher } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, InlineGrid, InlineStack, ProgressBar, SkeletonBodyText, Text, TextField } from "@shopify/polaris";
import type { HistoryActionResult, HistoryPanel } from "./backfill.server";
import { showToast } from "./app-bridge";
import { addDays } from "~/time-zone";

const HISTORY_PATH = "/app/history";
const POLL_MS = 3_000;

/** Loads the panel, again every few seconds while a backfill runs and after each action. */
function useHistoryPanel(partner: string | undefined) {
  const panel = useFetcher<HistoryPanel>();
  const act = useFetcher<HistoryActionResult>();
  const url = `${HISTORY_PATH}${partner ? `?partner=${partner}` : ""}`;
  const load = panel.load;
  useEffect(() => {
    load(url);
  }, [load, url]);
  const running = Boolean(panel.data?.active) || panel.data?.reconciliation.status === "running" || panel.data?.reconciliation.status === "requested";
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => load(url), POLL_MS);
    return () => clearInterval(timer);
  }, [running, load, url]);
  useEffect(() => {
    if (act.state !== "idle" || !act.data) return;
    showToast(act.data.message, { isError: !act.data.ok });
    load(url);
  }, [act.state, act.data, load, url]);
  const post = (fields: Record<string, string>) => act.submit(fields, { method: "post", action: HISTORY_PATH });
  return { data: panel.data, post, busy: act.state !== "idle" ? String(act.formData?.get("intent") ?? "") : null, result: act.state === "idle" ? act.data : undefined };
}

const number = (n: number) => n.toLocaleString("en-US");

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <BlockStack gap="050">
      <Text as="span" variant="bodySm" tone="subdued">
        {label}
      </Text>
      <Text as="span" variant="headingMd">
        {value}
      </Text>
    </BlockStack>
  );
}

/** `partner`/`partnerName`: on a partner's page; left out on Home (every partner set up). */
export function BackfillCard({ partner, partnerName }: { partner?: string; partnerName?: string }) {
  const { data, post, busy, result } = useHistoryPanel(partner);
  // The shop's today (its zone, from the server): the default is 90 of its days back.
  const today = data?.today;
  const [chosen, setSince] = useState<string | null>(null);
  const since = chosen ?? (today ? addDays(today, -90) : "");
  const who = partnerName ?? "your partners";
  const active = data?.active ?? null;

  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Send past orders
        </Text>
        <Text as="p" tone="subdued">
          Orders placed since the day you choose are sent to {who} as if they had just arrived. An order already sent is not sent again, and new orders keep going out first.
        </Text>
        {!data ? (
          <SkeletonBodyText lines={2} />
        ) : active ? (
          <BlockStack gap="200">
            <ProgressBar progress={Math.round(active.progress * 100)} size="small" tone="primary" ariaLabelledBy="backfill-progress" />
            <Text as="p" id="backfill-progress">
              {active.summary}
            </Text>
            <InlineGrid columns={{ xs: 3, md: 3 }} gap="200">
              <Stat label="Read" value={`${number(active.ordersRead)}${active.ordersTotal !== null ? ` of ${number(active.ordersTotal)}` : ""}`} />
              <Stat label="Queued" value={number(active.queued)} />
              <Stat label="Synced" value={number(active.synced)} />
              <Stat label="Failed" value={number(active.failed)} />
              <Stat label="Skipped" value={number(active.skipped)} />
              <Stat label="Time left" value={active.eta ?? "Estimating…"} />
            </InlineGrid>
            <InlineStack>
              <Button tone="critical" variant="plain" loading={busy === "backfill-cancel"} onClick={() => post({ intent: "backfill-cancel", id: active.id })}>
                Cancel backfill
              </Button>
            </InlineStack>
          </BlockStack>
        ) : (
          <InlineStack gap="300" blockAlign="end">
            <TextField label="Orders placed since" type="date" value={since} max={today} onChange={setSince} helpText={data.timeZoneNote} autoComplete="off" />
            <Button
              variant="primary"
              disabled={(partner ? !data.configured.includes(partner) : data.configured.length === 0) || since === ""}
              loading={busy === "backfill-start"}
              onClick={() => post({ intent: "backfill-start", since, partner: partner ?? "" })}
            >
              Start backfill
            </Button>
          </InlineStack>
        )}
        {result && !result.ok && result.message && <Banner tone="warning">{result.message}</Banner>}
        {data?.last && (
          <Text as="p" tone="subdued" variant="bodySm">
            {data.last.summary}
          </Text>
        )}
      </BlockStack>
    </Card>
  );
}

/** Home: what reconciliation found, and "Check now". */
export function ReconcileCard() {
  const { data, post, busy } = useHistoryPanel(undefined);
  const status = data?.reconciliation.status;
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            Missed orders
          </Text>
          <Button loading={busy === "reconcile" || status === "running" || status === "requested"} onClick={() => post({ intent: "reconcile" })}>
            Check now
          </Button>
        </InlineStack>
        <Text as="p" tone="subdued">
          Shopify can miss telling the app about an order. The app regularly compares your recent orders with Shopify and sends the ones it missed.
        </Text>
        {data ? <Text as="p">{data.reconciliation.summary}</Text> : <SkeletonBodyText lines={1} />}
      </BlockStack>
    </Card>
  );
}
