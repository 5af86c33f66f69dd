// Home: each partner's state and its orders by status over a chosen window,
// synced vs failed per day for two weeks, and a first-run checklist while no
// partner is set up. "Retry failed orders" per partner re-reads each failed
// order from Shopify before queueing it (app/admin/resync.server.ts).
import { lazy, Suspense, useEffect, useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigate, useNavigation, useSubmit } from "@remix-run/react";
import { Badge, Banner, BlockStack, Box, Button, ButtonGroup, Card, InlineGrid, InlineStack, Layout, Link, Page, SkeletonBodyText, Text } from "@shopify/polaris";
import { z } from "zod";
import { AdminRouteError } from "~/admin/errors";
import { showToast } from "~/admin/app-bridge";
import { partnerLabel, partnerSettingsPath } from "~/admin/partners";
import { requireShop } from "~/admin/session.server";
import { requestClock } from "~/admin/shop-clock.server";
import { formatDayLabel } from "~/admin/format";
import { loadDashboard, parseWindow, type DashboardWindow, type PartnerState, type PartnerSummary } from "~/admin/dashboard.server";
import { retryFailedForPartner } from "~/admin/resync.server";
import { inWords, PARTNER_METAS, PARTNERS } from "~/connectors/partners";
import { graphqlFromAdmin } from "~/shopify/admin-graphql.server";
import { UNSETTLED_STATUSES } from "~/sync/job-status";
import type { ActivityPoint } from "~/admin/activity-chart";
import { BackfillCard, ReconcileCard } from "~/admin/backfill-card";

const CHART_HEIGHT = 280;

// Loaded in the browser only (see activity-chart.tsx).
const ActivityChart = lazy(() => import("~/admin/activity-chart"));

export const meta: MetaFunction = () => [{ title: "Partner Sync" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const shopRequest = await requireShop(request);
  const window = parseWindow(new URL(request.url).searchParams.get("window"));
  return loadDashboard(shopRequest.ctx.db, shopRequest.shop, { window, clock: await requestClock(shopRequest) });
}

const actionSchema = z.object({ intent: z.literal("retry-failed"), partner: z.enum(PARTNERS) });

export type DashboardActionResult = { ok: boolean; message: string };

export async function action({ request }: ActionFunctionArgs) {
  const { shop, ctx, admin } = await requireShop(request);
  const parsed = actionSchema.safeParse(Object.fromEntries(await request.formData()));
  // Only the page's own buttons post here: anything else gets a sentence, not an error page.
  if (!parsed.success) return data({ ok: false, message: "That action is not available here. Reload the page and try again." }, { status: 400 });
  const result = await retryFailedForPartner({ db: ctx.db, graphql: graphqlFromAdmin(admin), logger: ctx.logger }, shop, parsed.data.partner);
  return data<DashboardActionResult>({ ok: result.failures.length === 0, message: result.message });
}

const WINDOW_LABELS: Record<DashboardWindow, string> = { "24h": "24 hours", "7d": "7 days", "30d": "30 days" };

function stateBadge(state: PartnerState) {
  switch (state.kind) {
    case "not_set_up":
      return <Badge>Not set up</Badge>;
    case "active":
      return state.rateLimit ? <Badge tone="attention">Active, slowed down</Badge> : <Badge tone="success">Active</Badge>;
    case "paused":
      return <Badge tone="critical">Paused: credentials</Badge>;
    case "disabled":
      return <Badge tone="warning">Paused by you</Badge>;
  }
}

export default function Dashboard() {
  const dashboard = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigate = useNavigate();
  const navigation = useNavigation();
  const changingWindow = navigation.state === "loading" && navigation.location?.pathname === "/app";

  useEffect(() => {
    if (actionData) showToast(actionData.message, { isError: !actionData.ok });
  }, [actionData]);

  const points: ActivityPoint[] = dashboard.activity.map((d) => ({ label: formatDayLabel(d.day), synced: d.synced, failed: d.failed }));
  const anyActivity = points.some((p) => p.synced > 0 || p.failed > 0);

  return (
    <Page title="Partner Sync" subtitle={`Your orders, sent to ${inWords(PARTNER_METAS.map((meta) => meta.name))}.`} secondaryActions={[{ content: "Sync log", url: "/app/log" }]}>
      <BlockStack gap="500">
        {actionData && (
          <Banner tone={actionData.ok ? "success" : "warning"}>
            <p>{actionData.message}</p>
          </Banner>
        )}
        {dashboard.firstRun && <FirstRunChecklist />}
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            Orders by partner, last {WINDOW_LABELS[dashboard.window]}
          </Text>
          <ButtonGroup variant="segmented">
            {(Object.keys(WINDOW_LABELS) as DashboardWindow[]).map((window) => (
              <Button key={window} pressed={dashboard.window === window} onClick={() => navigate(`?window=${window}`, { preventScrollReset: true })}>
                {WINDOW_LABELS[window]}
              </Button>
            ))}
          </ButtonGroup>
        </InlineStack>
        <InlineGrid columns={{ xs: 1, md: 3 }} gap="400">
          {dashboard.partners.map((summary) => (
            <PartnerCard key={summary.partner} summary={summary} loading={changingWindow} />
          ))}
        </InlineGrid>
        <Layout>
          <Layout.Section>
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Synced and failed per day
                </Text>
                <Text as="p" tone="subdued">
                  Orders a partner accepted, and orders that failed for good, over the last 14 days, all partners together.{" "}
                  {dashboard.clock.known
                    ? `Days run midnight to midnight in the store's time zone (${dashboard.clock.timeZone}).`
                    : "Days are UTC days: the store's time zone could not be read from Shopify yet."}
                </Text>
                {anyActivity ? <ClientChart points={points} /> : <Text as="p">No order was synced or failed in the last 14 days.</Text>}
              </BlockStack>
            </Card>
          </Layout.Section>
        </Layout>
        {!dashboard.firstRun && (
          <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
            <BackfillCard />
            <ReconcileCard />
          </InlineGrid>
        )}
      </BlockStack>
    </Page>
  );
}

function ClientChart({ points }: { points: ActivityPoint[] }) {
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  const skeleton = (
    <Box minHeight={`${CHART_HEIGHT}px`}>
      <SkeletonBodyText lines={6} />
    </Box>
  );
  if (!mounted) return skeleton;
  return (
    <Suspense fallback={skeleton}>
      <ActivityChart points={points} height={CHART_HEIGHT} />
    </Suspense>
  );
}

function PartnerCard({ summary, loading }: { summary: PartnerSummary; loading: boolean }) {
  const label = partnerLabel(summary.partner);
  const submit = useSubmit();
  const navigation = useNavigation();
  const retrying = navigation.state === "submitting" && navigation.formData?.get("partner") === summary.partner;
  const { state, counts } = summary;
  const logUrl = (status?: string) => `/app/log?partner=${summary.partner}${status ? `&status=${status}` : ""}`;
  const stat = (name: string, value: number, status?: string, tone?: "critical" | "success") => (
    <BlockStack gap="050">
      <Text as="span" variant="bodySm" tone="subdued">
        {name}
      </Text>
      {loading ? (
        <SkeletonBodyText lines={1} />
      ) : (
        <Text as="span" variant="headingLg" tone={value > 0 ? tone : undefined}>
          {status ? (
            <Link url={logUrl(status)} removeUnderline monochrome>
              {value}
            </Link>
          ) : (
            value
          )}
        </Text>
      )}
    </BlockStack>
  );

  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h3" variant="headingMd">
            {label.name}
          </Text>
          {stateBadge(state)}
        </InlineStack>
        {state.kind === "not_set_up" ? (
          <BlockStack gap="200">
            <Text as="p" tone="subdued">
              {label.purpose}
            </Text>
            <InlineStack>
              <Button url={partnerSettingsPath(summary.partner)}>Set up {label.name}</Button>
            </InlineStack>
          </BlockStack>
        ) : (
          <>
            {state.kind === "paused" && (
              <Banner tone="critical">
                <p>{state.reason}</p>
                <Link url={partnerSettingsPath(summary.partner)}>Update the credentials</Link>
              </Banner>
            )}
            {state.kind === "disabled" && (
              <Text as="p" tone="subdued">
                You paused syncing to {label.name}: new orders wait until you resume it.
              </Text>
            )}
            {state.kind === "active" && state.rateLimit && (
              <Text as="p" tone="subdued">
                {state.rateLimit}
              </Text>
            )}
            <InlineGrid columns={4} gap="200">
              {stat("Synced", counts.synced, "synced", "success")}
              {stat("Failed", counts.failed, "failed", "critical")}
              {stat(
                "Waiting",
                UNSETTLED_STATUSES.reduce((sum, status) => sum + counts[status], 0),
              )}
              {stat("Skipped", counts.skipped, "skipped")}
            </InlineGrid>
            <InlineStack gap="200">
              <Button url={logUrl()} variant="plain">
                View in the sync log
              </Button>
              {counts.failed > 0 && (
                <Button
                  variant="plain"
                  loading={retrying}
                  onClick={() => submit({ intent: "retry-failed", partner: summary.partner }, { method: "post" })}
                  accessibilityLabel={`Retry failed ${label.name} orders`}
                >
                  Retry failed orders
                </Button>
              )}
              <Button url={partnerSettingsPath(summary.partner)} variant="plain">
                Settings
              </Button>
            </InlineStack>
          </>
        )}
      </BlockStack>
    </Card>
  );
}

function FirstRunChecklist() {
  const steps = [
    ...PARTNERS.map((partner) => {
      const label = partnerLabel(partner);
      return { key: partner, title: `Connect ${label.name}`, body: label.purpose, url: partnerSettingsPath(partner), action: `Set up ${label.name}` };
    }),
    {
      key: "orders",
      title: "Watch your orders go out",
      body: "New and updated orders are sent automatically once a partner is connected. The sync log shows each one.",
      url: "/app/log",
      action: "Open the sync log",
    },
  ];
  return (
    <Card>
      <BlockStack gap="400">
        <BlockStack gap="100">
          <Text as="h2" variant="headingMd">
            Get started
          </Text>
          <Text as="p" tone="subdued">
            No partner is connected yet. Connect the ones you use; you can connect one now and the others later.
          </Text>
        </BlockStack>
        <BlockStack gap="300">
          {steps.map((step, index) => (
            <InlineStack key={step.key} gap="300" blockAlign="start" wrap={false}>
              <Box minWidth="28px">
                <Badge tone={index === 0 ? "info" : undefined}>{String(index + 1)}</Badge>
              </Box>
              <BlockStack gap="100">
                <Text as="h3" variant="headingSm">
                  {step.title}
                </Text>
                <Text as="p" tone="subdued">
                  {step.body}
                </Text>
                <InlineStack>
                  <Button url={step.url} variant={index === 0 ? "primary" : "secondary"}>
                    {step.action}
                  </Button>
                </InlineStack>
              </BlockStack>
            </InlineStack>
          ))}
        </BlockStack>
      </BlockStack>
    </Card>
  );
}

export function ErrorBoundary() {
  return <AdminRouteError />;
}
