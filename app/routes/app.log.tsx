// The sync log: a row per order and partner, newest activity first; filters
// (partner, status, waiting for the merchant, date range), search by order name, keyset pages
// (app/admin/sync-log.server.ts). The filters live in the URL, so a filtered
// view can be bookmarked and the back button works.
import { useCallback, useEffect, useRef, useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link as RemixLink, useActionData, useLoaderData, useNavigation, useSearchParams, useSubmit } from "@remix-run/react";
import { Banner, BlockStack, Card, ChoiceList, Box, Button, EmptySearchResult, Filters, IndexTable, InlineStack, Page, Text, TextField, type AppliedFilterInterface } from "@shopify/polaris";
import { z } from "zod";
import { AdminRouteError } from "~/admin/errors";
import { showToast } from "~/admin/app-bridge";
import { formatDateTime, timeZoneNote } from "~/admin/format";
import { requestClock } from "~/admin/shop-clock.server";
import { PARTNER_LABELS, partnerLabel } from "~/admin/partners";
import { requireShop } from "~/admin/session.server";
import { StatusBadge, STATUS_CHOICES } from "~/admin/status-badge";
import { jobStatusMeaning } from "~/sync/job-status";
import { parseLogParams, querySyncLog } from "~/admin/sync-log.server";
import { retryFailedForPartner } from "~/admin/resync.server";
import { isPartnerId, PARTNERS } from "~/connectors/types";
import { graphqlFromAdmin } from "~/shopify/admin-graphql.server";

export const meta: MetaFunction = () => [{ title: "Sync log" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const shopRequest = await requireShop(request);
  const { shop, ctx } = shopRequest;
  const clock = await requestClock(shopRequest);
  const params = parseLogParams(new URL(request.url).searchParams, clock.timeZone);
  const [page, anyJob] = await Promise.all([querySyncLog(ctx.db, shop, params), ctx.db.syncJob.findFirst({ where: { shop }, select: { id: true } })]);
  return {
    rows: page.rows.map((row) => ({ ...row, updatedAtText: formatDateTime(new Date(row.updatedAt), clock.timeZone) })),
    timeZoneNote: timeZoneNote(clock),
    nextCursor: page.nextCursor,
    previousCursor: page.previousCursor,
    searchTruncated: page.searchTruncated,
    hasAnyJob: anyJob !== null,
    filters: { partner: params.partner ?? "", status: params.status ?? "", waiting: params.waitingForMerchant ? "merchant" : "", from: params.fromText, to: params.toText, q: params.search ?? "" },
  };
}

const actionSchema = z.object({ intent: z.literal("retry-failed"), partner: z.enum(PARTNERS) });

export async function action({ request }: ActionFunctionArgs) {
  const { shop, ctx, admin } = await requireShop(request);
  const parsed = actionSchema.safeParse(Object.fromEntries(await request.formData()));
  // Only the page's own buttons post here: anything else gets a sentence, not an error page.
  if (!parsed.success) return data({ ok: false, message: "That action is not available here. Reload the page and try again." }, { status: 400 });
  const result = await retryFailedForPartner({ db: ctx.db, graphql: graphqlFromAdmin(admin), logger: ctx.logger }, shop, parsed.data.partner);
  return data({ ok: result.failures.length === 0, message: result.message });
}

const SEARCH_DELAY_MS = 400;

export default function SyncLog() {
  const { rows, nextCursor, previousCursor, searchTruncated, hasAnyJob, filters, timeZoneNote: zoneNote } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [searchParams, setSearchParams] = useSearchParams();
  const navigation = useNavigation();
  const submit = useSubmit();
  const loading = navigation.state === "loading" && navigation.location?.pathname === "/app/log";
  const [query, setQuery] = useState(filters.q);
  const searchTimer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(() => {
    if (actionData) showToast(actionData.message, { isError: !actionData.ok });
  }, [actionData]);

  /** A new filter starts again from the first page. */
  const update = useCallback(
    (changes: Record<string, string>) => {
      const next = new URLSearchParams(searchParams);
      for (const [key, value] of Object.entries(changes)) {
        if (value) next.set(key, value);
        else next.delete(key);
      }
      next.delete("after");
      next.delete("before");
      setSearchParams(next, { preventScrollReset: true });
    },
    [searchParams, setSearchParams],
  );

  const onQueryChange = (value: string) => {
    setQuery(value);
    if (searchTimer.current) clearTimeout(searchTimer.current);
    searchTimer.current = setTimeout(() => update({ q: value.trim() }), SEARCH_DELAY_MS);
  };
  useEffect(
    () => () => {
      if (searchTimer.current) clearTimeout(searchTimer.current);
    },
    [],
  );

  const page = (key: "after" | "before", cursor: string | null) => () => {
    if (!cursor) return;
    const next = new URLSearchParams(searchParams);
    next.delete("after");
    next.delete("before");
    next.set(key, cursor);
    setSearchParams(next);
  };

  const appliedFilters: AppliedFilterInterface[] = [];
  if (filters.partner && isPartnerId(filters.partner)) appliedFilters.push({ key: "partner", label: `Partner: ${partnerLabel(filters.partner).name}`, onRemove: () => update({ partner: "" }) });
  if (filters.status) appliedFilters.push({ key: "status", label: `Status: ${jobStatusMeaning(filters.status).admin.label}`, onRemove: () => update({ status: "" }) });
  if (filters.waiting) appliedFilters.push({ key: "waiting", label: "Waiting for you", onRemove: () => update({ waiting: "" }) });
  if (filters.from || filters.to) {
    const range = filters.from && filters.to ? `${filters.from} to ${filters.to}` : filters.from ? `from ${filters.from}` : `until ${filters.to}`;
    appliedFilters.push({ key: "dates", label: `Last activity ${range}`, onRemove: () => update({ from: "", to: "" }) });
  }

  const filtered = appliedFilters.length > 0 || filters.q !== "";
  const canRetry = filters.status === "failed" && isPartnerId(filters.partner) && rows.length > 0;

  const emptyState =
    filtered || hasAnyJob ? (
      <EmptySearchResult title="No orders match" description="Try another order name, or remove a filter." withIllustration />
    ) : (
      <Box padding="800">
        <BlockStack gap="300" inlineAlign="center">
          <Text as="h2" variant="headingMd">
            No orders synced yet
          </Text>
          <Text as="p" tone="subdued" alignment="center">
            Orders appear here as soon as Shopify sends them, once a partner is connected.
          </Text>
          <Button url="/app">Go to the dashboard</Button>
        </BlockStack>
      </Box>
    );

  return (
    <Page
      title="Sync log"
      subtitle="Every order, and what each partner made of it."
      backAction={{ content: "Dashboard", url: "/app" }}
      primaryAction={
        canRetry
          ? {
              content: `Retry failed ${partnerLabel(filters.partner as (typeof PARTNERS)[number]).name} orders`,
              loading: navigation.state === "submitting",
              onAction: () => submit({ intent: "retry-failed", partner: filters.partner }, { method: "post" }),
            }
          : undefined
      }
    >
      <BlockStack gap="400">
        {actionData && (
          <Banner tone={actionData.ok ? "success" : "warning"}>
            <p>{actionData.message}</p>
          </Banner>
        )}
        {searchTruncated && (
          <Banner tone="info">
            <p>Many orders match this search: the most recent 200 are listed. Type more of the order name to narrow it down.</p>
          </Banner>
        )}
        <Card padding="0">
          <Filters
            queryValue={query}
            queryPlaceholder="Search by order name, e.g. #1001"
            onQueryChange={onQueryChange}
            onQueryClear={() => {
              setQuery("");
              update({ q: "" });
            }}
            onClearAll={() => {
              setQuery("");
              update({ partner: "", status: "", waiting: "", from: "", to: "", q: "" });
            }}
            filters={[
              {
                key: "partner",
                label: "Partner",
                pinned: true,
                shortcut: true,
                filter: (
                  <ChoiceList
                    title="Partner"
                    titleHidden
                    choices={PARTNER_LABELS.map((p) => ({ label: p.name, value: p.id }))}
                    selected={filters.partner ? [filters.partner] : []}
                    onChange={([value]) => update({ partner: value ?? "" })}
                  />
                ),
              },
              {
                key: "status",
                label: "Status",
                pinned: true,
                shortcut: true,
                filter: <ChoiceList title="Status" titleHidden choices={STATUS_CHOICES} selected={filters.status ? [filters.status] : []} onChange={([value]) => update({ status: value ?? "" })} />,
              },
              {
                // Not pinned: shown as a pill when applied (the "orders waiting for you" alert links here with it).
                key: "waiting",
                label: "Waiting for you",
                filter: (
                  <ChoiceList
                    title="Waiting for you"
                    titleHidden
                    allowMultiple
                    choices={[{ label: "Only orders waiting for you to link them or mark them handled", value: "merchant" }]}
                    selected={filters.waiting ? ["merchant"] : []}
                    onChange={(values) => update({ waiting: values.includes("merchant") ? "merchant" : "" })}
                  />
                ),
              },
              {
                key: "dates",
                label: "Last activity",
                pinned: true,
                filter: <DateRange from={filters.from} to={filters.to} onChange={(from, to) => update({ from, to })} />,
              },
            ]}
            appliedFilters={appliedFilters}
          />
          <IndexTable
            resourceName={{ singular: "order sync", plural: "order syncs" }}
            itemCount={rows.length}
            selectable={false}
            loading={loading}
            emptyState={emptyState}
            headings={[{ title: "Order" }, { title: "Partner" }, { title: "Status" }, { title: "Attempts", alignment: "end" }, { title: "Last message" }, { title: "Last activity" }]}
            pagination={
              nextCursor || previousCursor ? { hasNext: !!nextCursor, hasPrevious: !!previousCursor, onNext: page("after", nextCursor), onPrevious: page("before", previousCursor) } : undefined
            }
          >
            {rows.map((row, index) => (
              <IndexTable.Row id={row.jobId} key={row.jobId} position={index}>
                <IndexTable.Cell>
                  <RemixLink to={`/app/orders/${row.orderId}`} style={{ color: "inherit", fontWeight: 600 }}>
                    {row.orderName}
                  </RemixLink>
                </IndexTable.Cell>
                <IndexTable.Cell>{isPartnerId(row.partner) ? partnerLabel(row.partner).name : row.partner}</IndexTable.Cell>
                <IndexTable.Cell>
                  <StatusBadge status={row.status} />
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <Text as="span" alignment="end" numeric>
                    {/* Settled with no attempt since the order last changed: nothing needed sending (the order page says why). */}
                    {row.attempts === 0 && (row.status === "synced" || row.status === "skipped") ? "None needed" : row.attempts}
                  </Text>
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <div style={{ maxWidth: 420, whiteSpace: "normal" }}>
                    <Text as="span" tone={row.status === "failed" ? "critical" : "subdued"} breakWord>
                      {row.lastError ?? ""}
                    </Text>
                  </div>
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <Text as="span" tone="subdued">
                    {row.updatedAtText}
                  </Text>
                </IndexTable.Cell>
              </IndexTable.Row>
            ))}
          </IndexTable>
        </Card>
        <InlineStack align="center">
          <Text as="p" tone="subdued" variant="bodySm">
            {zoneNote} A row moves to the top when its order is synced again.
          </Text>
        </InlineStack>
      </BlockStack>
    </Page>
  );
}

function DateRange({ from, to, onChange }: { from: string; to: string; onChange: (from: string, to: string) => void }) {
  const [draftFrom, setFrom] = useState(from);
  const [draftTo, setTo] = useState(to);
  useEffect(() => {
    setFrom(from);
    setTo(to);
  }, [from, to]);
  const invalid = draftFrom && draftTo && draftFrom > draftTo ? "The end date is before the start date" : undefined;
  return (
    <BlockStack gap="200">
      <TextField label="From" type="date" value={draftFrom} onChange={setFrom} onBlur={() => !invalid && onChange(draftFrom, draftTo)} autoComplete="off" />
      <TextField label="To (included)" type="date" value={draftTo} onChange={setTo} onBlur={() => !invalid && onChange(draftFrom, draftTo)} error={invalid} autoComplete="off" />
    </BlockStack>
  );
}

export function ErrorBoundary() {
  return <AdminRouteError />;
}
