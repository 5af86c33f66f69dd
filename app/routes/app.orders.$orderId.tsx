// One order: per partner its status, remote id, every attempt and what was
// last sent (masked); Reverb's referral with "credit a referrer"; TestFreaks'
// view of the order; resync per partner or for all. While a job waits, the
// page polls /api/orders/<id>/status and reloads its data when a job moves,
// so the merchant sees the outcome without reloading.
import { Suspense, useEffect, useRef, useState, type ReactNode } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Await, useActionData, useFetcher, useLoaderData, useNavigation, useRevalidator, useSubmit } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  Collapsible,
  DataTable,
  FormLayout,
  InlineStack,
  Link,
  Page,
  SkeletonBodyText,
  Spinner,
  Text,
  TextField,
} from "@shopify/polaris";
import { z } from "zod";
import { AdminRouteError } from "~/admin/errors";
import { showToast } from "~/admin/app-bridge";
import { formatDateTime } from "~/admin/format";
import { partnerLabel, partnerSettingsPath } from "~/admin/partners";
import { notFound, requireShop } from "~/admin/session.server";
import { OUTCOME_LABELS, StatusBadge } from "~/admin/status-badge";
import { loadOrderDetail, type OrderStatusView, type PartnerOrderView } from "~/admin/order-detail.server";
import { creditReferrerForOrder, reverbReferralForOrder, testfreaksViewOfOrder, type PartnerRead, type ReferralView, type TestfreaksOrderView } from "~/admin/partner-views.server";
import { resyncFromShopify } from "~/admin/resync.server";
import { linkReverbOrder, markReverbOrderHandled } from "~/admin/reverb-order.server";
import { PARTNERS, type PartnerId } from "~/connectors/types";
import { graphqlFromAdmin } from "~/shopify/admin-graphql.server";

/** How often the page asks whether a waiting job has moved. */
const POLL_INTERVAL_MS = 2_000;

export const meta: MetaFunction<typeof loader> = ({ data: loaded }) => [{ title: loaded ? `Order ${loaded.detail.order.orderName}` : "Order" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { shop, ctx } = await requireShop(request);
  const orderId = params.orderId ?? "";
  const detail = await loadOrderDetail(ctx.db, shop, orderId);
  // Another shop's order and an order that never existed look the same.
  if (!detail) throw notFound();
  const deps = { ...ctx.runner, logger: ctx.logger };
  const configured = (partner: PartnerId) => detail.partners.some((p) => p.partner === partner && p.configured);
  // Streamed: the page shows the app's own data at once, the partners' answers when they come.
  return {
    detail,
    referral: configured("reverb") ? reverbReferralForOrder(deps, shop, orderId) : null,
    testfreaks: configured("testfreaks") ? testfreaksViewOfOrder(deps, shop, orderId) : null,
  };
}

const partnerField = z.preprocess((value) => (value === "" || value === null ? undefined : value), z.enum(PARTNERS).optional());
const actionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("resync"), partner: partnerField }),
  z.object({
    intent: z.literal("credit"),
    referrerEmail: z
      .string({ error: "Enter the referrer's email" })
      .trim()
      .min(1, { error: "Enter the referrer's email" })
      .max(254, { error: "That email address is too long" })
      .pipe(z.email({ error: "Enter an email address like name@example.com" })),
  }),
  // An order Reverb may hold without the app knowing its id (docs/partners/reverb.md): never posted again.
  z.object({
    intent: z.literal("reverb-link"),
    reverbOrderUuid: z
      .string({ error: "Paste the order's id from Reverb" })
      .trim()
      .min(1, { error: "Paste the order's id from Reverb" })
      .max(100, { error: "That is too long for a Reverb id: paste only the id" })
      .refine((value) => !/\s/.test(value), { error: "A Reverb id has no spaces: paste only the id" }),
  }),
  z.object({ intent: z.literal("reverb-handled") }),
]);

export type OrderActionResult =
  | { intent: "resync"; ok: boolean; message: string }
  | { intent: "credit"; ok: boolean; message: string; fieldErrors: { referrerEmail?: string } }
  | { intent: "reverb-link" | "reverb-handled"; ok: boolean; message: string; fieldErrors: { reverbOrderUuid?: string } };

export async function action({ request, params }: ActionFunctionArgs) {
  const { shop, ctx, admin } = await requireShop(request);
  const orderId = params.orderId ?? "";
  const form = Object.fromEntries(await request.formData());
  const parsed = actionSchema.safeParse(form);
  if (!parsed.success) {
    const emailIssue = parsed.error.issues.find((issue) => issue.path[0] === "referrerEmail");
    if (form.intent === "credit" && emailIssue) {
      return data<OrderActionResult>({ intent: "credit", ok: false, message: emailIssue.message, fieldErrors: { referrerEmail: emailIssue.message } }, { status: 400 });
    }
    const uuidIssue = parsed.error.issues.find((issue) => issue.path[0] === "reverbOrderUuid");
    if (form.intent === "reverb-link" && uuidIssue) {
      return data<OrderActionResult>({ intent: "reverb-link", ok: false, message: uuidIssue.message, fieldErrors: { reverbOrderUuid: uuidIssue.message } }, { status: 400 });
    }
    return data<OrderActionResult>({ intent: "resync", ok: false, message: "That action is not available on this page." }, { status: 400 });
  }

  if (parsed.data.intent === "resync") {
    const partner = parsed.data.partner;
    const result = await resyncFromShopify({ db: ctx.db, graphql: graphqlFromAdmin(admin), logger: ctx.logger }, shop, orderId, {
      ...(partner ? { partner } : {}),
      // The merchant asked for it: send even what the partner accepted before.
      force: true,
    });
    if (!result.ok && result.reason === "not_found") throw notFound();
    return data<OrderActionResult>({ intent: "resync", ok: result.ok, message: result.message }, { status: result.ok ? 200 : 409 });
  }

  if (parsed.data.intent === "reverb-link" || parsed.data.intent === "reverb-handled") {
    const deps = { ...ctx.runner, logger: ctx.logger };
    const result =
      parsed.data.intent === "reverb-link" ? await linkReverbOrder(deps, shop, orderId, parsed.data.reverbOrderUuid) : await markReverbOrderHandled(deps, shop, orderId);
    return data<OrderActionResult>(
      { intent: parsed.data.intent, ok: result.ok, message: result.message, fieldErrors: !result.ok && result.field ? { reverbOrderUuid: result.message } : {} },
      { status: result.ok ? 200 : 400 },
    );
  }

  const result = await creditReferrerForOrder({ ...ctx.runner, logger: ctx.logger }, shop, orderId, parsed.data.referrerEmail);
  return data<OrderActionResult>(
    { intent: "credit", ok: result.ok, message: result.message, fieldErrors: !result.ok && result.field ? { referrerEmail: result.message } : {} },
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
  const { detail, referral, testfreaks } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as OrderActionResult | undefined;
  const navigation = useNavigation();
  const submit = useSubmit();
  const stoppedWaiting = useLiveStatus(detail);

  const resyncing = navigation.state === "submitting" && navigation.formData?.get("intent") === "resync" ? ((navigation.formData.get("partner") as string | null) ?? "") : null;
  const resync = (partner?: PartnerId) => submit({ intent: "resync", partner: partner ?? "" }, { method: "post" });
  const resyncResult = actionData?.intent === "resync" ? actionData : undefined;

  useEffect(() => {
    if (resyncResult?.ok) showToast(resyncResult.message);
  }, [resyncResult]);

  const { order } = detail;
  const configuredPartners = detail.partners.filter((p) => p.configured);
  const subtitle = [
    `Placed ${formatDateTime(new Date(order.createdAt))}`,
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
        {detail.partners.map((view) => (
          <PartnerSection
            key={view.partner}
            view={view}
            resyncing={resyncing === view.partner}
            busy={resyncing !== null}
            onResync={() => resync(view.partner)}
            live={
              view.partner === "reverb" && referral ? (
                <ReferralSection read={referral} />
              ) : view.partner === "testfreaks" && testfreaks ? (
                <TestfreaksSection read={testfreaks} />
              ) : null
            }
          />
        ))}
        <Text as="p" tone="subdued" variant="bodySm" alignment="center">
          Times are in UTC. Shopify order id {order.orderId}.
        </Text>
      </BlockStack>
    </Page>
  );
}

function duration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function PartnerSection({ view, resyncing, busy, onResync, live }: { view: PartnerOrderView; resyncing: boolean; busy: boolean; onResync: () => void; live: ReactNode }) {
  const label = partnerLabel(view.partner);
  const [showSent, setShowSent] = useState(false);
  const { job } = view;

  if (!view.configured) {
    return (
      <Card>
        <BlockStack gap="200">
          <InlineStack align="space-between" blockAlign="center">
            <Text as="h2" variant="headingMd">
              {label.name}
            </Text>
            <Badge>Not set up</Badge>
          </InlineStack>
          <Text as="p" tone="subdued">
            {label.name} is not connected, so this order is not sent to it. <Link url={partnerSettingsPath(view.partner)}>Set up {label.name}</Link>
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
              {label.name}
            </Text>
            {job ? <StatusBadge status={job.status} /> : <Badge>Not sent</Badge>}
            {!view.enabled && <Badge tone="warning">Paused by you</Badge>}
          </InlineStack>
          <Button onClick={onResync} loading={resyncing} disabled={busy && !resyncing} accessibilityLabel={`Resync ${label.name}`}>
            {`Resync ${label.name}`}
          </Button>
        </InlineStack>

        {!job && <Text as="p" tone="subdued">This order has not been sent to {label.name}: it arrived before {label.name} was connected. Resync to send it now.</Text>}
        {job && (
          <>
            <InlineStack gap="600">
              <Fact name={`${label.name} id`} value={job.remoteId ?? "—"} />
              <Fact name="Last attempt" value={job.lastAttemptAt ? formatDateTime(new Date(job.lastAttemptAt)) : "—"} />
              <Fact name="Synced" value={job.syncedAt ? formatDateTime(new Date(job.syncedAt)) : "—"} />
              {job.status === "retrying" && <Fact name="Next try" value={formatDateTime(new Date(job.nextRunAt))} />}
            </InlineStack>
            {job.lastError && job.status !== "synced" && (
              <Banner tone={errorTone} title={errorTitle}>
                <p>{job.lastError}</p>
              </Banner>
            )}
            {view.partner === "reverb" && (job.createState === "sending" || job.createState === "accepted_without_id") && <ReverbUnknownOrderForm />}
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
                    formatDateTime(new Date(attempt.startedAt)),
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
                      What {label.name} last accepted for this order, for your support contact. Personal data and secrets are masked.
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

function PartnerReadView<T>({ read, title, children }: { read: Promise<PartnerRead<T>>; title: string; children: (value: T) => ReactNode }) {
  return (
    <Box borderBlockStartWidth="025" borderColor="border" paddingBlockStart="400">
      <BlockStack gap="200">
        <Text as="h3" variant="headingSm">
          {title}
        </Text>
        <Suspense fallback={<SkeletonBodyText lines={2} />}>
          <Await resolve={read} errorElement={<Text as="p" tone="subdued">This could not be loaded. Reload the page to try again.</Text>}>
            {(answer) =>
              answer.status === "ok" ? (
                children(answer.value)
              ) : (
                <Text as="p" tone={answer.status === "error" ? "critical" : "subdued"}>
                  {answer.message}
                </Text>
              )
            }
          </Await>
        </Suspense>
      </BlockStack>
    </Box>
  );
}

function ReferralSection({ read }: { read: Promise<PartnerRead<ReferralView[]>> }) {
  return (
    <BlockStack gap="400">
      <PartnerReadView read={read} title="Referral in Reverb">
        {(referrals) =>
          referrals.length === 0 ? (
            <Text as="p" tone="subdued">
              No referrer is credited for this order.
            </Text>
          ) : (
            <DataTable
              columnContentTypes={["text", "text", "text", "text"]}
              headings={["Date", "Level", "Reward", "Status"]}
              rows={referrals.map((r) => [
                r.referralDate ? formatDateTime(new Date(r.referralDate)) : "—",
                r.level ?? "—",
                r.rewardEarned ? `${r.rewardEarned}${r.rewardType ? ` (${r.rewardType})` : ""}` : "—",
                r.rewardPaid === null ? "—" : r.rewardPaid ? "Reward paid" : "Reward not paid yet",
              ])}
              increasedTableDensity
            />
          )
        }
      </PartnerReadView>
      <CreditReferrerForm />
    </BlockStack>
  );
}

function CreditReferrerForm() {
  const fetcher = useFetcher<typeof action>();
  const [email, setEmail] = useState("");
  const result = fetcher.data as OrderActionResult | undefined;
  const credit = result?.intent === "credit" ? result : undefined;
  const submitting = fetcher.state !== "idle";

  useEffect(() => {
    if (credit?.ok) {
      showToast(credit.message);
      setEmail("");
    }
  }, [credit]);

  return (
    <fetcher.Form method="post" noValidate>
      <input type="hidden" name="intent" value="credit" />
      <FormLayout>
        <Text as="h3" variant="headingSm">
          Credit a referrer
        </Text>
        {credit && !credit.fieldErrors.referrerEmail && (
          <Banner tone={credit.ok ? "success" : "critical"}>
            <p>{credit.message}</p>
          </Banner>
        )}
        <TextField
          label="Referrer's email"
          name="referrerEmail"
          type="email"
          value={email}
          onChange={setEmail}
          autoComplete="off"
          helpText="The Reverb advocate who referred this customer. Reverb records a referred purchase for them."
          error={credit?.fieldErrors.referrerEmail}
        />
        <InlineStack>
          <Button submit loading={submitting}>
            Credit referrer
          </Button>
        </InlineStack>
      </FormLayout>
    </fetcher.Form>
  );
}

/**
 * An order Reverb may hold without the app knowing its id: the merchant pastes the
 * id from Reverb's dashboard (the app reads it back before storing it), or marks the
 * order handled. Neither posts the order again (docs/partners/reverb.md).
 */
function ReverbUnknownOrderForm() {
  const fetcher = useFetcher<typeof action>();
  const [uuid, setUuid] = useState("");
  const result = fetcher.data as OrderActionResult | undefined;
  const answer = result?.intent === "reverb-link" || result?.intent === "reverb-handled" ? result : undefined;
  const submitting = fetcher.state !== "idle" ? ((fetcher.formData?.get("intent") as string | null) ?? "") : null;

  useEffect(() => {
    if (answer?.ok) showToast(answer.message);
  }, [answer]);

  return (
    <Box background="bg-surface-secondary" padding="400" borderRadius="200">
      <BlockStack gap="300">
        <Text as="h3" variant="headingSm">
          Is this order in Reverb?
        </Text>
        <Text as="p">
          Open Reverb's dashboard and look for this order. If it is there, paste its id: the app checks it with Reverb and sends later changes as updates of
          it. If Reverb needs nothing more for it, mark it handled. The app never posts it again by itself, which could create a second order.
        </Text>
        {answer && !answer.ok && !answer.fieldErrors.reverbOrderUuid && (
          <Banner tone="critical">
            <p>{answer.message}</p>
          </Banner>
        )}
        <fetcher.Form method="post" noValidate>
          <input type="hidden" name="intent" value="reverb-link" />
          <FormLayout>
            <TextField
              label="The order's id in Reverb"
              name="reverbOrderUuid"
              value={uuid}
              onChange={setUuid}
              autoComplete="off"
              monospaced
              error={answer?.fieldErrors.reverbOrderUuid}
            />
            <InlineStack gap="200">
              <Button submit loading={submitting === "reverb-link"} disabled={submitting !== null && submitting !== "reverb-link"}>
                Look it up and link it
              </Button>
            </InlineStack>
          </FormLayout>
        </fetcher.Form>
        <fetcher.Form method="post">
          <input type="hidden" name="intent" value="reverb-handled" />
          <Button submit variant="plain" loading={submitting === "reverb-handled"} disabled={submitting !== null && submitting !== "reverb-handled"}>
            Mark it handled (the app sends nothing to Reverb for it)
          </Button>
        </fetcher.Form>
      </BlockStack>
    </Box>
  );
}

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

export function ErrorBoundary() {
  return <AdminRouteError />;
}
