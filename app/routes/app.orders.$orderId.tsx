// One order: per partner its status, remote id, every attempt and what was
// last sent (masked), and what the partner adds itself (its folder's ui.tsx and
// order-page.server.ts: Reverb's referral with "credit a referrer", TestFreaks'
// view of the order); resync per partner or for all. While a job waits, the
// page polls /api/orders/<id>/status and reloads its data when a job moves,
// so the merchant sees the outcome without reloading.
import { useEffect, useRef, useState, type ReactNode } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { useActionData, useFetcher, useLoaderData, useNavigation, useRevalidator, useSubmit } from "@remix-run/react";
import { Badge, Banner, BlockStack, Box, Button, Card, Collapsible, DataTable, InlineStack, Link, Page, Spinner, Text } from "@shopify/polaris";
import { z } from "zod";
import { AdminRouteError } from "~/admin/errors";
import { showToast } from "~/admin/app-bridge";
import { formatDateTime, timeZoneNote } from "~/admin/format";
import { requestClock } from "~/admin/shop-clock.server";
import { partnerSettingsPath } from "~/admin/partners";
import { notFound, requireShop } from "~/admin/session.server";
import { OUTCOME_LABELS, StatusBadge } from "~/admin/status-badge";
import { loadOrderDetail, type OrderStatusView, type PartnerOrderView } from "~/admin/order-detail.server";
import type { OrderActionResult } from "~/admin/order-panels";
import { resyncFromShopify } from "~/admin/resync.server";
import type { PartnerRead } from "~/connectors/order-page.server";
import { isPartnerId, type AnyConnector } from "~/connectors/types";
import { partnerUi } from "~/connectors/ui";
import type { AppContext } from "~/context.server";
import { graphqlFromAdmin } from "~/shopify/admin-graphql.server";

/** How often the page asks whether a waiting job has moved. */
const POLL_INTERVAL_MS = 2_000;

export const meta: MetaFunction<typeof loader> = ({ data: loaded }) => [{ title: loaded ? `Order ${loaded.detail.order.orderName}` : "Order" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const shopRequest = await requireShop(request);
  const { shop, ctx } = shopRequest;
  const orderId = params.orderId ?? "";
  const connectors = registered(ctx);
  const detail = await loadOrderDetail(
    ctx.db,
    shop,
    orderId,
    connectors.map((c) => c.id),
  );
  // Another shop's order and an order that never existed look the same.
  if (!detail) throw notFound();
  const deps = { ...ctx.runner, logger: ctx.logger };
  // Streamed: the page shows the app's own data at once, the partners' answers when they come.
  const live: Record<string, Promise<PartnerRead<unknown>>> = {};
  for (const connector of connectors) {
    const configured = detail.partners.some((p) => p.partner === connector.id && p.configured);
    if (configured && connector.orderPage?.read) live[connector.id] = connector.orderPage.read(deps, shop, orderId);
  }
  const names = Object.fromEntries(connectors.map((c) => [c.id, c.displayName]));
  // Dates are formatted on both sides of hydration with the zone the server read.
  const clock = await requestClock(shopRequest);
  return { detail, live, names, timeZone: clock.timeZone, timeZoneNote: timeZoneNote(clock) };
}

/** The partners of the registry the app was built with (app/connectors/registry.ts), in its order. */
const registered = (ctx: AppContext): AnyConnector[] => Object.values(ctx.runner.connectors);

const resyncSchema = z.object({ partner: z.preprocess((value) => (value === "" || value === null ? undefined : value), z.string().optional()) });

export async function action({ request, params }: ActionFunctionArgs) {
  const { shop, ctx, admin } = await requireShop(request);
  const orderId = params.orderId ?? "";
  const form = Object.fromEntries(await request.formData());
  const intent = typeof form.intent === "string" ? form.intent : "";
  const connectors = registered(ctx);
  const refused = () => data<OrderActionResult>({ intent: "resync", ok: false, message: "That action is not available on this page.", fieldErrors: {} }, { status: 400 });

  if (intent === "resync") {
    const parsed = resyncSchema.safeParse(form);
    const partner = parsed.success ? parsed.data.partner : undefined;
    // Resync reaches the partners the app ships with (app/admin/resync.server.ts names them from the shipped list).
    if (!parsed.success || (partner !== undefined && !(isPartnerId(partner) && connectors.some((c) => c.id === partner)))) return refused();
    const result = await resyncFromShopify({ db: ctx.db, graphql: graphqlFromAdmin(admin), logger: ctx.logger }, shop, orderId, {
      ...(partner && isPartnerId(partner) ? { partner } : {}),
      // The merchant asked for it: send even what the partner accepted before.
      force: true,
    });
    if (!result.ok && result.reason === "not_found") throw notFound();
    return data<OrderActionResult>({ intent, ok: result.ok, message: result.message, fieldErrors: {} }, { status: result.ok ? 200 : 409 });
  }

  // A partner's own form (its order-page.server.ts), found by its intent.
  const partnerAction = connectors.map((c) => c.orderPage?.actions?.[intent]).find((a) => a !== undefined);
  if (!partnerAction) return refused();
  const input = partnerAction.input.safeParse(form);
  if (!input.success) {
    const issue = input.error.issues[0]!;
    const field = typeof issue.path[0] === "string" ? issue.path[0] : null;
    return data<OrderActionResult>({ intent, ok: false, message: issue.message, fieldErrors: field ? { [field]: issue.message } : {} }, { status: 400 });
  }
  const result = await partnerAction.run({ ...ctx.runner, logger: ctx.logger }, shop, orderId, input.data);
  return data<OrderActionResult>(
    { intent, ok: result.ok, message: result.message, fieldErrors: !result.ok && result.field ? { [result.field]: result.message } : {} },
    { status: result.ok ? 200 : 400 },
  );
}

type LoadedDetail = ReturnType<typeof useLoaderData<typeof loader>>["detail"];

/** The jobs' state in one string: the page and the status route compute it the same way. */
function statusSignature(jobs: { partner: string; status: string; updatedAt: string }[]): string {
  return jobs
    .map((job) => `${job.partner}:${job.status}:${job.updatedAt}`)
    .sort()
    .join("|");
}

/** Polling stops after this long: a job still waiting then needs the worker, not this page. */
const POLL_FOR_MS = 10 * 60_000;

/**
 * Polls the status route while a job waits; reloads the page's data once
 * something moved. Answers whether it gave up waiting.
 */
function useLiveStatus(detail: LoadedDetail): boolean {
  const fetcher = useFetcher<OrderStatusView>();
  const revalidator = useRevalidator();
  const load = useRef(fetcher.load);
  load.current = fetcher.load;
  const [gaveUp, setGaveUp] = useState(false);
  const shown = statusSignature(detail.partners.flatMap((p) => (p.job ? [{ partner: p.partner, status: p.job.status, updatedAt: p.job.updatedAt }] : [])));
  const url = `/api/orders/${detail.order.orderId}/status`;

  useEffect(() => {
    setGaveUp(false);
    if (!detail.pending) return;
    const started = Date.now();
    const timer = setInterval(() => {
      if (Date.now() - started > POLL_FOR_MS) {
        clearInterval(timer);
        setGaveUp(true);
        return;
      }
      load.current(url);
    }, POLL_INTERVAL_MS);
    return () => clearInterval(timer);
  }, [detail.pending, url, shown]);

  const polled = fetcher.data && "partners" in fetcher.data ? statusSignature(fetcher.data.partners) : null;
  useEffect(() => {
    if (polled !== null && polled !== shown && revalidator.state === "idle") revalidator.revalidate();
    // Keyed on the poll's answer only: a reload must follow a new answer, not a re-render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [polled]);
  return gaveUp;
}

const MONEY = (amount: string, currency: string) => {
  try {
    return new Intl.NumberFormat("en-GB", { style: "currency", currency }).format(Number(amount));
  } catch {
    return `${amount} ${currency}`;
  }
};

export default function OrderPage() {
  const { detail, live, names, timeZone, timeZoneNote: zoneNote } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as OrderActionResult | undefined;
  const navigation = useNavigation();
  const submit = useSubmit();
  const stoppedWaiting = useLiveStatus(detail);

  const resyncing = navigation.state === "submitting" && navigation.formData?.get("intent") === "resync" ? ((navigation.formData.get("partner") as string | null) ?? "") : null;
  const resync = (partner?: string) => submit({ intent: "resync", partner: partner ?? "" }, { method: "post" });
  const resyncResult = actionData?.intent === "resync" ? actionData : undefined;

  useEffect(() => {
    if (resyncResult?.ok) showToast(resyncResult.message);
  }, [resyncResult]);

  const { order } = detail;
  const configuredPartners = detail.partners.filter((p) => p.configured);
  const subtitle = [
    `Placed ${formatDateTime(new Date(order.createdAt), timeZone)}`,
    order.total ? MONEY(order.total.amount, order.total.currency) : null,
    order.financialStatus ? order.financialStatus.replace(/_/g, " ") : null,
  ]
    .filter(Boolean)
    .join(" · ");

  return (
    <Page
      title={`Order ${order.orderName}`}
      subtitle={subtitle}
      titleMetadata={order.cancelled ? <Badge tone="critical">Cancelled</Badge> : undefined}
      backAction={{ content: "Sync log", url: "/app/log" }}
      primaryAction={{
        content: "Resync all partners",
        onAction: () => resync(),
        loading: resyncing === "",
        disabled: configuredPartners.length === 0 || (resyncing !== null && resyncing !== ""),
      }}
      secondaryActions={[{ content: "Open in Shopify", url: `shopify://admin/orders/${order.orderId}`, target: "_top" }]}
    >
      <BlockStack gap="500">
        {resyncResult && !resyncResult.ok && (
          <Banner tone="critical" title="Not resynced">
            <p>{resyncResult.message}</p>
          </Banner>
        )}
        {resyncResult?.ok && (
          <Banner tone="success">
            <p>{resyncResult.message}</p>
          </Banner>
        )}
        {detail.pending && !stoppedWaiting && (
          <Banner tone="info">
            <InlineStack gap="200" blockAlign="center">
              <Spinner size="small" accessibilityLabel="Syncing" />
              <Text as="span">Sending to the partners… This page updates by itself.</Text>
            </InlineStack>
          </Banner>
        )}
        {detail.pending && stoppedWaiting && (
          <Banner tone="warning">
            <p>This order is still waiting to be sent. Partners that asked the app to slow down are sent to later; reload the page to check again.</p>
          </Banner>
        )}
        {order.piiRedacted && (
          <Banner tone="info" title="Customer data erased">
            <p>The customer asked Shopify to erase their data: the app no longer holds their name, email or address, so partners that need them skip this order.</p>
          </Banner>
        )}
        {configuredPartners.length === 0 && (
          <Banner tone="warning" title="No partner is set up">
            <p>
              Connect a partner from the <Link url="/app">dashboard</Link> to send this order.
            </p>
          </Banner>
        )}
        {detail.partners.map((view) => {
          const Live = partnerUi(view.partner)?.OrderLive;
          const read = live[view.partner];
          return (
            <PartnerSection
              key={view.partner}
              view={view}
              name={names[view.partner] ?? view.partner}
              resyncing={resyncing === view.partner}
              busy={resyncing !== null}
              onResync={() => resync(view.partner)}
              live={Live && read ? <Live read={read} timeZone={timeZone} /> : null}
              timeZone={timeZone}
            />
          );
        })}
        <Text as="p" tone="subdued" variant="bodySm" alignment="center">
          {zoneNote} Shopify order id {order.orderId}.
        </Text>
      </BlockStack>
    </Page>
  );
}

function duration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function PartnerSection({
  view,
  name,
  resyncing,
  busy,
  onResync,
  live,
  timeZone,
}: {
  view: PartnerOrderView;
  name: string;
  resyncing: boolean;
  busy: boolean;
  onResync: () => void;
  live: ReactNode;
  timeZone: string;
}) {
  const JobPanel = partnerUi(view.partner)?.OrderJob;
  const [showSent, setShowSent] = useState(false);
  const { job } = view;

  if (!view.configured) {
    return (
      <Card>
        <BlockStack gap="200">
          <InlineStack align="space-between" blockAlign="center">
            <Text as="h2" variant="headingMd">
              {name}
            </Text>
            <Badge>Not set up</Badge>
          </InlineStack>
          <Text as="p" tone="subdued">
            {name} is not connected, so this order is not sent to it. <Link url={partnerSettingsPath(view.partner)}>Set up {name}</Link>
          </Text>
        </BlockStack>
      </Card>
    );
  }

  const errorTone = job?.status === "failed" ? "critical" : job?.status === "paused" ? "warning" : "info";
  const errorTitle = job?.status === "failed" ? "Last error" : job?.status === "skipped" ? "Why it was skipped" : job?.status === "paused" ? "Why it is paused" : "Last problem";

  return (
    <Card>
      <BlockStack gap="400">
        <InlineStack align="space-between" blockAlign="center">
          <InlineStack gap="200" blockAlign="center">
            <Text as="h2" variant="headingMd">
              {name}
            </Text>
            {job ? <StatusBadge status={job.status} /> : <Badge>Not sent</Badge>}
            {!view.enabled && <Badge tone="warning">Paused by you</Badge>}
          </InlineStack>
          <Button onClick={onResync} loading={resyncing} disabled={busy && !resyncing} accessibilityLabel={`Resync ${name}`}>
            {`Resync ${name}`}
          </Button>
        </InlineStack>

        {!job && (
          <Text as="p" tone="subdued">
            This order has not been sent to {name}: it arrived before {name} was connected. Resync to send it now.
          </Text>
        )}
        {job && (
          <>
            <InlineStack gap="600">
              <Fact name={`${name} id`} value={job.remoteId ?? "—"} />
              <Fact name="Last attempt" value={job.lastAttemptAt ? formatDateTime(new Date(job.lastAttemptAt), timeZone) : "—"} />
              <Fact name="Synced" value={job.syncedAt ? formatDateTime(new Date(job.syncedAt), timeZone) : "—"} />
              {job.status === "retrying" && <Fact name="Next try" value={formatDateTime(new Date(job.nextRunAt), timeZone)} />}
            </InlineStack>
            {job.noCallNeeded && (
              <Banner tone="info" title={`No call to ${name} needed`}>
                <p>{job.noCallNeeded}</p>
              </Banner>
            )}
            {job.lastError && job.status !== "synced" && !job.noCallNeeded && (
              <Banner tone={errorTone} title={errorTitle}>
                <p>{job.lastError}</p>
              </Banner>
            )}
            {JobPanel && <JobPanel job={job} />}
            <BlockStack gap="200">
              <Text as="h3" variant="headingSm">
                Attempts
              </Text>
              {job.attemptLog.length === 0 ? (
                <Text as="p" tone="subdued">
                  No attempt yet.
                </Text>
              ) : (
                <DataTable
                  columnContentTypes={["text", "numeric", "numeric", "text", "text"]}
                  headings={["Time", "Duration", "HTTP status", "Outcome", "Message"]}
                  rows={job.attemptLog.map((attempt) => [
                    formatDateTime(new Date(attempt.startedAt), timeZone),
                    duration(attempt.durationMs),
                    attempt.httpStatus ?? "—",
                    OUTCOME_LABELS[attempt.outcome] ?? attempt.outcome,
                    <div key="message" style={{ whiteSpace: "normal", maxWidth: 420 }}>
                      {attempt.error ?? ""}
                    </div>,
                  ])}
                  increasedTableDensity
                />
              )}
              {job.attemptLogTruncated && (
                <Text as="p" tone="subdued" variant="bodySm">
                  Only the 50 most recent attempts are shown.
                </Text>
              )}
            </BlockStack>
            {job.lastSent && (
              <BlockStack gap="200">
                <InlineStack>
                  <Button variant="plain" onClick={() => setShowSent((open) => !open)} ariaExpanded={showSent} ariaControls={`last-sent-${view.partner}`} disclosure={showSent ? "up" : "down"}>
                    {showSent ? "Hide the last request sent" : "Show the last request sent (for support)"}
                  </Button>
                </InlineStack>
                <Collapsible id={`last-sent-${view.partner}`} open={showSent}>
                  <BlockStack gap="200">
                    <Text as="p" tone="subdued" variant="bodySm">
                      What {name} last accepted for this order, for your support contact. Personal data and secrets are masked.
                    </Text>
                    <Box background="bg-surface-secondary" padding="300" borderRadius="200" overflowX="scroll">
                      <pre style={{ margin: 0, fontSize: 12, lineHeight: 1.5 }}>{job.lastSent}</pre>
                    </Box>
                  </BlockStack>
                </Collapsible>
              </BlockStack>
            )}
          </>
        )}
        {live}
      </BlockStack>
    </Card>
  );
}

function Fact({ name, value }: { name: string; value: string }) {
  return (
    <BlockStack gap="050">
      <Text as="span" variant="bodySm" tone="subdued">
        {name}
      </Text>
      <Text as="span" breakWord>
        {value}
      </Text>
    </BlockStack>
  );
}

export function ErrorBoundary() {
  return <AdminRouteError />;
}
