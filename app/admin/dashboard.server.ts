// The home page's numbers: each partner's state, its jobs by status over a
// window, and synced vs failed per day. Every query is scoped by shop.
import type { PrismaClient } from "@prisma/client";
import { PARTNERS, type PartnerId } from "~/connectors/types";
import { partnerRates, type PartnerRate } from "~/config.server";
import { loweredRates } from "~/sync/rate-limit.server";
import { partnerLabel } from "./partners";
import { rateLimitNotice } from "./format";
import { holdMessage, holdReasonOf } from "~/sync/hold-reason";
import { isJobStatus, JOB_STATUSES, type JobStatus } from "~/sync/job-status";
import { addDays, dayBoundsIn, dayIn, UTC_CLOCK, type ShopClock } from "~/time-zone";

export const DASHBOARD_WINDOWS = {
  "24h": 24 * 60 * 60_000,
  "7d": 7 * 24 * 60 * 60_000,
  "30d": 30 * 24 * 60 * 60_000,
} as const;
export type DashboardWindow = keyof typeof DASHBOARD_WINDOWS;
export const DEFAULT_WINDOW: DashboardWindow = "7d";

export function parseWindow(value: string | null | undefined): DashboardWindow {
  return value && value in DASHBOARD_WINDOWS ? (value as DashboardWindow) : DEFAULT_WINDOW;
}

export type PartnerState = { kind: "not_set_up" } | { kind: "active"; holdUntil: string | null; rateLimit?: string } | { kind: "paused"; reason: string; since: string | null } | { kind: "disabled" };

export type StatusCounts = Record<JobStatus, number>;

export interface PartnerSummary {
  partner: PartnerId;
  state: PartnerState;
  /** Jobs whose last activity (SyncJob.updatedAt) falls in the window, by status. */
  counts: StatusCounts;
}

export interface DayActivity {
  /** The shop's day (midnight to midnight in its zone), YYYY-MM-DD. */
  day: string;
  synced: number;
  failed: number;
}

export interface Dashboard {
  window: DashboardWindow;
  partners: PartnerSummary[];
  /** True when no partner has settings stored: the page shows the first-run checklist. */
  firstRun: boolean;
  /** Oldest day first, `days` entries, the shop's today last. */
  activity: DayActivity[];
  /** The zone the days are counted and dates shown in. */
  clock: ShopClock;
}

const emptyCounts = (): StatusCounts => Object.fromEntries(JOB_STATUSES.map((status) => [status, 0])) as StatusCounts;

/** Each partner's state for the shop, in the registry's order. */
export async function partnerStates(
  db: PrismaClient,
  shop: string,
  now: Date,
  rates: Record<string, PartnerRate> = partnerRates(process.env),
  timeZone = "UTC",
): Promise<Map<PartnerId, PartnerState>> {
  const rows = await db.partnerConfig.findMany({
    where: { shop },
    select: { partner: true, enabled: true, holdReason: true, pausedReason: true, pausedAt: true, holdUntil: true },
  });
  const lowered = await loweredRates(db, shop, rates, now);
  const states = new Map<PartnerId, PartnerState>();
  for (const partner of PARTNERS) {
    const row = rows.find((r) => r.partner === partner);
    if (!row) states.set(partner, { kind: "not_set_up" });
    else if (!row.enabled) states.set(partner, { kind: "disabled" });
    else if (row.holdReason) {
      const reason = row.pausedReason ?? holdMessage(holdReasonOf(row.holdReason), partnerLabel(partner).name);
      states.set(partner, { kind: "paused", reason, since: row.pausedAt?.toISOString() ?? null });
    } else {
      const hold = row.holdUntil && row.holdUntil > now ? row.holdUntil : null;
      const rateLimit = rateLimitNotice(partnerLabel(partner).name, hold, lowered.get(partner) ?? null, timeZone);
      states.set(partner, { kind: "active", holdUntil: hold?.toISOString() ?? null, ...(rateLimit ? { rateLimit } : {}) });
    }
  }
  return states;
}

/**
 * Jobs by partner and status whose last activity is inside the window. One
 * grouped query over the [shop, updatedAt, id] index range.
 */
export async function statusCounts(db: PrismaClient, shop: string, since: Date): Promise<Map<PartnerId, StatusCounts>> {
  const groups = await db.syncJob.groupBy({
    by: ["partner", "status"],
    where: { shop, updatedAt: { gte: since } },
    _count: { _all: true },
  });
  const counts = new Map<PartnerId, StatusCounts>(PARTNERS.map((p) => [p, emptyCounts()]));
  for (const group of groups) {
    const forPartner = counts.get(group.partner as PartnerId);
    if (forPartner && isJobStatus(group.status)) forPartner[group.status] = group._count._all;
  }
  return counts;
}

/**
 * Synced vs failed per day of the shop (midnight to midnight in its zone: a day
 * with a daylight saving change has 23 or 25 hours) for the last `days` days, counted from the
 * attempt log (SyncAttempt), not from the jobs: a job keeps only its current
 * state, so an order synced on Monday and resynced on Friday would count only
 * on Friday, and a failure later fixed would vanish from the day it happened.
 * The attempt log is the history. "synced" counts attempts the partner
 * accepted; "failed" counts attempts that ended the job failed (a permanent
 * refusal, or the last retry). Retries on the way, rate-limit waits and
 * "unchanged" checks are left out: they are not outcomes for the merchant.
 */
export async function dailyActivity(db: PrismaClient, shop: string, now: Date, days = 14, timeZone = "UTC"): Promise<DayActivity[]> {
  const first = addDays(dayIn(now, timeZone), -(days - 1));
  // One grouped count per day over the [shop, startedAt] index: the work stays in
  // the database however many attempts a busy shop makes.
  const perDay = await Promise.all(
    Array.from({ length: days }, async (_, index) => {
      const day = addDays(first, index);
      const { start, end } = dayBoundsIn(day, timeZone);
      const groups = await db.syncAttempt.groupBy({
        by: ["outcome"],
        where: { shop, startedAt: { gte: start, lt: end }, outcome: { in: ["synced", "failed"] } },
        _count: { _all: true },
      });
      const count = (outcome: string) => groups.find((g) => g.outcome === outcome)?._count._all ?? 0;
      return { day, synced: count("synced"), failed: count("failed") };
    }),
  );
  return perDay;
}

export async function loadDashboard(db: PrismaClient, shop: string, options: { window?: DashboardWindow; now?: Date; clock?: ShopClock } = {}): Promise<Dashboard> {
  const window = options.window ?? DEFAULT_WINDOW;
  const now = options.now ?? new Date();
  const clock = options.clock ?? UTC_CLOCK;
  const [states, counts, activity] = await Promise.all([
    partnerStates(db, shop, now, partnerRates(process.env), clock.timeZone),
    statusCounts(db, shop, new Date(now.getTime() - DASHBOARD_WINDOWS[window])),
    dailyActivity(db, shop, now, 14, clock.timeZone),
  ]);
  const partners = PARTNERS.map((partner) => ({ partner, state: states.get(partner)!, counts: counts.get(partner)! }));
  return { window, partners, firstRun: partners.every((p) => p.state.kind === "not_set_up"), activity, clock };
}
