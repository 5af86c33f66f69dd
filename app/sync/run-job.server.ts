import { createHash } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { PrismaClient } from "@prisma/client";
import type { AnyConnector, ClientDeps } from "~/connectors/types";
import { SyncSkipped, trimMessage, UpstreamError } from "~/connectors/errors";
import { ShopifyAccessRefused } from "~/shopify/offline-access.server";
import type { ProductInfo } from "~/orders/canonical";
import { buildCanonicalOrder } from "~/orders/build";
import { shopClock } from "~/shopify/shop-zone.server";
import type { OrderSnapshot } from "~/orders/snapshot";
import { eraseAfterJob } from "./compliance.server";
import type { Logger } from "~/logger";
import type { Keyring } from "~/security/secrets.server";
import { loadPartnerConfig, partnerHold, pausePartner } from "./partner-config.server";
import { holdMessage } from "./hold-reason";
import { noteAttemptForAlerts, raiseAlert, type ShopContact } from "./alerts.server";
import { prismaPartnerCache } from "./partner-cache.server";
import type { ClaimedJob, Settlement, SyncQueue } from "./queue.server";
import { backoffDelayMs, boundedWaitMs, policy } from "./retry-policy";
import { partnerRate, type PartnerRate } from "~/config.server";
import { laneAccepted, laneLimitedSince, lowerLaneRate, takeToken } from "./rate-limit.server";
import { CreateOutcomeUnknown, createOnceGuard, createRecordOf } from "./create-once.server";

export interface ProductLookup {
  lookup(productIds: string[]): Promise<Map<string, ProductInfo>>;
}

export interface RunnerDeps {
  db: PrismaClient;
  queue: SyncQueue;
  keyring: Keyring;
  connectors: Record<string, AnyConnector>;
  env: Record<string, string | undefined>;
  fetch: typeof globalThis.fetch;
  now: () => Date;
  random: () => number;
  logger: Logger;
  /** Product details for a shop's orders (Admin GraphQL, cached). */
  products: (shop: string) => ProductLookup;
  /** The shop's addresses from the Admin API, for alert emails (app/sync/alerts.server.ts). */
  shopContact?: (shop: string) => Promise<ShopContact>;
}

/** What a partner call outside a job needs (Test connection, the order page's live reads). */
export type PartnerCallDeps = Pick<RunnerDeps, "db" | "keyring" | "env" | "fetch" | "now" | "logger">;

export type AttemptOutcome = "synced" | "unchanged" | "retry" | "rate_limited" | "failed" | "skipped" | "paused" | "waiting_for_merchant" | "lease_lost";

/** Whether the worker still holds the job's lease; renewal sets `lost` when another worker may have taken it. */
export interface JobLease {
  lost: boolean;
}

/** Rejects a partner call once the job's lease is lost: the job is another worker's now. */
class LeaseLost extends Error {
  override name = "LeaseLost";
}

/** Rejects a partner call whose lane has no token for longer than a job should wait: the job is postponed. */
class LaneBusy extends Error {
  override name = "LaneBusy";
}

const ratesByEnv = new WeakMap<object, Map<string, PartnerRate>>();
/** The deployment's rate for the partner (its meta.ts default, or <ID>_RATE_PER_SEC / _BURST; read once per environment object). */
function laneRate(env: Record<string, string | undefined>, connector: AnyConnector): PartnerRate {
  let rates = ratesByEnv.get(env);
  if (!rates) ratesByEnv.set(env, (rates = new Map()));
  let rate = rates.get(connector.id);
  if (!rate) rates.set(connector.id, (rate = partnerRate(env, connector.meta)));
  return rate;
}

/** What a job says when its partner has refused it for longer than the policy lets it wait. */
export function rateLimitedTooLongMessage(partnerName: string): string {
  const hours = Math.round(policy.maxRateLimitedMs / 3_600_000);
  return `${partnerName} kept rate limiting this shop for more than ${hours} h without accepting an order: gave up. Resync the order to try again.`;
}

/** What a job says when Shopify has throttled its product look-up for longer than the policy lets it wait. */
export const LOOKUP_THROTTLED_TOO_LONG = `Shopify kept rate limiting the product look-up of this order for more than ${Math.round(policy.maxRateLimitedMs / 3_600_000)} h: gave up. Resync the order to try again.`;

/**
 * Since when every attempt of the job has been rate limited (none since ended otherwise),
 * if its last one was. A rate-limited attempt spends no retry, so without this a job the
 * partner refuses while accepting the lane's other orders (which clears the lane's
 * refusal), or whose product look-up Shopify keeps throttling, would wait forever.
 */
async function jobRateLimitedSince(db: PrismaClient, job: ClaimedJob): Promise<Date | null> {
  const other = await db.syncAttempt.findFirst({ where: { jobId: job.id, outcome: { not: "rate_limited" } }, orderBy: { startedAt: "desc" }, select: { startedAt: true } });
  const first = await db.syncAttempt.findFirst({
    where: { jobId: job.id, outcome: "rate_limited", ...(other ? { startedAt: { gt: other.startedAt } } : {}) },
    orderBy: { startedAt: "asc" },
    select: { startedAt: true },
  });
  return first?.startedAt ?? null;
}

const pastLimit = (since: Date | null, now: Date) => since !== null && now.getTime() - since.getTime() >= policy.maxRateLimitedMs;

/**
 * Whether the lane has been refused (429, no job accepted since), or this job rate limited
 * on every attempt, for longer than the policy's maximum.
 */
async function refusedTooLong(deps: RunnerDeps, job: ClaimedJob, now: Date): Promise<boolean> {
  return pastLimit(await laneLimitedSince(deps.db, job.shop, job.partner), now) || pastLimit(await jobRateLimitedSince(deps.db, job), now);
}

/** Stable JSON (sorted keys) so that the same request always hashes the same. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(",")}]`;
  if (value && typeof value === "object") {
    return `{${Object.keys(value as object)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableStringify((value as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}

const hashOf = (value: unknown) => createHash("sha256").update(stableStringify(value)).digest("hex");

/**
 * Runs one claimed job: converges the partner to the newest snapshot of the order.
 * Never throws; every path ends in a settlement and an attempt record.
 */
export async function runJob(deps: RunnerDeps, job: ClaimedJob, lease: JobLease = { lost: false }): Promise<AttemptOutcome> {
  const started = deps.now();
  const startedMs = Date.now();
  let httpStatus: number | null = null;
  // The order's emails as the job read them, when the order still held personal data (see finish).
  let readPii: string[] | null = null;

  const finish = async (outcome: AttemptOutcome, settlement: Omit<Settlement, "attemptAt">, error: string | null) => {
    await deps.queue.settle(job, { ...settlement, attemptAt: started });
    await deps.db.syncAttempt.create({
      data: { shop: job.shop, jobId: job.id, startedAt: started, durationMs: Date.now() - startedMs, httpStatus, outcome, error },
    });
    // Failures may open an incident for the merchant, an accepted request resolves it; never in the job's way.
    await noteAttemptForAlerts(deps, job, outcome, started).catch((alertError) => deps.logger.error("alert could not be noted", { shop: job.shop, partner: job.partner, error: String(alertError) }));
    deps.logger.info("sync attempt", { shop: job.shop, orderId: job.orderId, partner: job.partner, outcome, httpStatus, error });
    // A customers/redact during the partner call erased the order, and the settlement wrote back what was sent: erase it again.
    if (readPii) await eraseAfterJob(deps.db, job.shop, job.orderId, readPii);
    return outcome;
  };
  const settled = (status: Settlement["status"], lastError: string | null, extra: Partial<Settlement> = {}) => ({
    status,
    attempts: job.attempts,
    nextRunAt: started,
    lastError,
    uncertain: job.uncertain,
    ...extra,
  });

  // The one way a job ends skipped (nothing to send to this partner): not set up, the order erased,
  // the connector's plan (kind "skip") or its push (SyncSkipped) finding that the order cannot apply.
  const skip = (reason: string) => finish("skipped", settled("skipped", reason), reason);

  // Set when the lane's bucket is empty for longer than a job waits: the job comes back then.
  const laneWait: { until: Date | null } = { until: null };

  // The registry the runner was built with (app/connectors/registry.ts): a partner no longer in it fails the job.
  const connector = Object.hasOwn(deps.connectors, job.partner) ? deps.connectors[job.partner] : undefined;
  if (!connector) return finish("failed", settled("failed", `Unknown partner "${job.partner}"`), `Unknown partner "${job.partner}"`);

  try {
    const stored = await loadPartnerConfig(deps.db, deps.keyring, job.shop, connector);
    if (!stored) return skip(`${connector.displayName} is not set up for this shop`);
    const hold = partnerHold(stored, connector.displayName);
    if (hold) return finish("paused", settled("paused", hold.message, { holdReason: hold.reason }), hold.message);
    if (stored.holdUntil && stored.holdUntil > started) {
      if (await refusedTooLong(deps, job, started)) {
        const reason = rateLimitedTooLongMessage(connector.displayName);
        return finish("failed", settled("failed", reason, { attempts: job.attempts + 1 }), reason);
      }
      // The partner asked us to slow down: wait without spending an attempt. A hold longer than
      // any Retry-After may ask for (stored before holds were bounded: a date years away) is cut
      // to the longest hold, on the row too, so that it cannot keep the partner's jobs for years.
      const longest = new Date(started.getTime() + policy.maxRetryAfterMs);
      if (stored.holdUntil > longest) await deps.db.partnerConfig.updateMany({ where: { shop: job.shop, partner: job.partner, holdUntil: { gt: longest } }, data: { holdUntil: longest } });
      await deps.queue.postpone(job, stored.holdUntil > longest ? longest : stored.holdUntil);
      return "rate_limited";
    }

    const row = await deps.db.orderSnapshot.findUnique({ where: { shop_orderId: { shop: job.shop, orderId: job.orderId } } });
    if (!row) return skip("The order's data is no longer stored (erased on request); resync it from Shopify");
    const snapshot = JSON.parse(row.payload) as OrderSnapshot;
    if (!snapshot.piiRedacted) readPii = [snapshot.email, snapshot.customer?.email].filter((e): e is string => !!e);
    // The shop's zone as the admin read and kept it (no Shopify call here: UTC until the merchant has opened the app).
    const clock = await shopClock({ db: deps.db, logger: deps.logger, readTimezone: null }, job.shop, started);
    const order = buildCanonicalOrder(job.shop, snapshot, clock.timeZone);
    const productIds = [...new Set(order.lineItems.map((l) => l.productId).filter((id): id is string => id !== null))];
    let products = new Map<string, ProductInfo>();
    try {
      if (productIds.length > 0) products = await deps.products(job.shop).lookup(productIds);
    } catch (error) {
      // Shopify refused the shop's token: the job waits for the merchant to open the
      // app (a token exchange resumes it: markInstalled), it does not fail.
      if (error instanceof ShopifyAccessRefused) {
        return finish("paused", settled("paused", holdMessage("waiting_for_shopify", connector.displayName), { holdReason: "waiting_for_shopify" }), error.message);
      }
      // Shopify throttling the lookup says nothing about the partner: wait, without holding the partner.
      if (error instanceof UpstreamError && error.failureClass === "rate_limited") {
        httpStatus = error.httpStatus;
        if (pastLimit(await jobRateLimitedSince(deps.db, job), deps.now())) {
          return finish("failed", settled("failed", LOOKUP_THROTTLED_TOO_LONG, { attempts: job.attempts + 1 }), LOOKUP_THROTTLED_TOO_LONG);
        }
        const until = new Date(deps.now().getTime() + Math.max(boundedWaitMs(error.retryAfterMs), 1000));
        return finish("rate_limited", settled("retrying", error.message, { nextRunAt: until, holdReason: "rate_limit_hold" }), error.message);
      }
      throw error;
    }

    const plan = connector.plan(order, products, stored.config);
    if (plan.kind === "skip") return skip(plan.reason);

    const hash = hashOf(plan.request);
    if (hash === job.lastSentHash && !job.uncertain) {
      // Converged already: the partner accepted exactly this request before.
      return finish("unchanged", settled("synced", null, { uncertain: false }), null);
    }

    // Every partner call of the job goes through here: none starts once the lease is lost,
    // and each takes a token from the lane's bucket (shared by every process) first.
    const rate = laneRate(deps.env, connector);
    // A create call that must never be repeated is recorded on the row just before it leaves.
    const guard = createOnceGuard(deps.db, job, deps.now);
    const createRow = await deps.db.syncJob.findUnique({ where: { id: job.id }, select: { createState: true, createSentAt: true, remoteId: true } });
    const remoteId = createRow?.remoteId ?? job.remoteId;
    let wrote = false;
    const leasedFetch: typeof fetch = async (input, init) => {
      let waited = 0;
      for (let round = 0; ; round++) {
        if (lease.lost) throw new LeaseLost(`lease of job ${job.id} lost`);
        const wait = await takeToken(deps.db, job.shop, job.partner, rate, deps.now());
        if (wait === 0) break;
        // Before anything was written the job can simply come back later. After a write
        // (an order posted, a customer made) it must finish now or it would lose what the
        // partner answered: it waits, then sends (a stuck clock cannot keep it forever).
        if (!wrote && waited + wait > policy.maxTokenWaitMs) {
          laneWait.until = new Date(deps.now().getTime() + wait);
          throw new LaneBusy(`${connector.displayName}: the lane's sending rate is used up for ${wait} ms`);
        }
        if (wrote && round >= 20) break;
        waited += wait;
        await sleep(wait);
      }
      const method = (init?.method ?? "GET").toUpperCase();
      if (method !== "GET" && method !== "HEAD") wrote = true;
      return guard.send(method, () => deps.fetch(input, init));
    };
    const clientDeps: ClientDeps = { fetch: leasedFetch, now: deps.now, logger: deps.logger, baseUrl: connector.baseUrl(stored.config, deps.env) };
    const result = await connector.push(plan.request, {
      shop: job.shop,
      config: stored.config,
      remoteId,
      previousOutcomeUncertain: job.uncertain,
      createRecord: remoteId === null ? createRecordOf(createRow) : null,
      sendCreate: (partnerName, what, send) => guard.sendCreate(partnerName, what, send),
      timeZone: clock.timeZone,
      cache: prismaPartnerCache(deps.db, job.shop, connector.id, deps.now),
      deps: clientDeps,
    });
    httpStatus = result.httpStatus;
    if (guard.sent && result.remoteId !== null) {
      // The partner's id, stored before anything else: from now on the order is only ever updated.
      await deps.db.syncJob.updateMany({ where: { id: job.id }, data: { remoteId: result.remoteId, createState: null, createSentAt: null } });
    }
    await laneAccepted(deps.db, job.shop, job.partner);
    return finish(
      "synced",
      settled("synced", null, {
        attempts: job.attempts + 1,
        uncertain: false,
        // A push that sent nothing (e.g. Revers.io: an imported order is final) keeps the last body shown.
        accepted: { remoteId: result.remoteId, hash, body: result.sent == null ? undefined : JSON.stringify(result.sent), at: started },
      }),
      null,
    );
  } catch (error) {
    // The refused call surfaces as the connector's own "could not be reached" error.
    if (lease.lost) {
      // Another worker holds the job now: it writes the outcome, we write nothing.
      deps.logger.warn("job stopped: its lease was lost", { shop: job.shop, orderId: job.orderId, partner: job.partner });
      return "lease_lost";
    }
    if (laneWait.until) {
      // The lane's rate is used up for a while: come back then, without spending an attempt.
      await deps.queue.postpone(job, laneWait.until);
      return "rate_limited";
    }
    if (error instanceof SyncSkipped) return skip(error.message);
    if (error instanceof UpstreamError) httpStatus = error.httpStatus;
    if (error instanceof CreateOutcomeUnknown) {
      httpStatus = error.httpStatus;
      // The partner may hold the order: never sent again by itself; the merchant links it or marks it handled.
      // (SQL's <> never matches NULL: the null state is named.)
      await deps.db.syncJob.updateMany({ where: { id: job.id, remoteId: null, OR: [{ createState: null }, { createState: { not: "handled" } }] }, data: { createState: error.state } });
      return finish("waiting_for_merchant", settled("paused", error.message, { uncertain: false, holdReason: "waiting_for_merchant" }), error.message);
    }
    return finish(...(await failureSettlement(deps, job, connector, error, started)));
  }
}

async function failureSettlement(deps: RunnerDeps, job: ClaimedJob, connector: AnyConnector, error: unknown, now: Date): Promise<[AttemptOutcome, Omit<Settlement, "attemptAt">, string]> {
  const base = { attempts: job.attempts, nextRunAt: now, uncertain: job.uncertain };
  if (!(error instanceof UpstreamError)) {
    // Not a partner answer: a bug or a store problem. Retry on the normal schedule, say what it was.
    const message = trimMessage(`Internal error: ${error instanceof Error ? error.message : String(error)}`);
    deps.logger.error("sync job crashed", { shop: job.shop, orderId: job.orderId, partner: job.partner, error: message });
    return retryOrFail(job, now, message, deps.random, job.uncertain);
  }
  // Shopify failing (a look-up, an export) says nothing about the partner: never pause
  // the partner or slow its lane for it; retry on the normal schedule.
  if (error.source === "shopify") return retryOrFail(job, now, error.message, deps.random, job.uncertain);
  switch (error.failureClass) {
    case "rate_limited": {
      // Retry-After within bounds: never under a second, never past the longest hold.
      const wait = Math.max(boundedWaitMs(error.retryAfterMs ?? policy.defaultRateLimitMs), 1000);
      // Counted from when the partner answered, not from when the attempt began.
      const answered = deps.now();
      const until = new Date(answered.getTime() + wait);
      // Every job of this partner waits, not just this one (see runJob's hold check), and
      // the lane sends slower from then on.
      await deps.db.partnerConfig.updateMany({ where: { shop: job.shop, partner: job.partner }, data: { holdUntil: until } });
      await lowerLaneRate(deps.db, job.shop, job.partner, laneRate(deps.env, connector), answered);
      if (await refusedTooLong(deps, job, answered)) {
        const reason = rateLimitedTooLongMessage(connector.displayName);
        return ["failed", { ...base, attempts: job.attempts + 1, status: "failed", lastError: reason }, reason];
      }
      return ["rate_limited", { ...base, status: "retrying", nextRunAt: until, lastError: error.message, holdReason: "rate_limit_hold" }, error.message];
    }
    case "credentials": {
      const reason = holdMessage("credentials_refused", connector.displayName, error.message);
      await pausePartner(deps.db, job.shop, connector.id, reason);
      // The merchant is told (banner, email): nothing reaches the partner until the credentials are fixed.
      await raiseAlert(deps.db, job.shop, connector.id, "credentials_refused", deps.now());
      return ["paused", { ...base, status: "paused", lastError: reason, holdReason: "credentials_refused" }, reason];
    }
    case "permanent":
      return ["failed", { ...base, attempts: job.attempts + 1, status: "failed", lastError: error.message }, error.message];
    case "retryable":
      return retryOrFail(job, now, error.message, deps.random, error.uncertain || job.uncertain);
  }
}

function retryOrFail(job: ClaimedJob, now: Date, message: string, random: () => number, uncertain: boolean): [AttemptOutcome, Omit<Settlement, "attemptAt">, string] {
  const attempts = job.attempts + 1;
  if (attempts >= policy.maxAttempts) {
    const final = `${message} (gave up after ${attempts} attempts)`;
    return ["failed", { status: "failed", attempts, nextRunAt: now, lastError: final, uncertain }, final];
  }
  const nextRunAt = new Date(now.getTime() + backoffDelayMs(attempts, random));
  return ["retry", { status: "retrying", attempts, nextRunAt, lastError: message, uncertain }, message];
}
