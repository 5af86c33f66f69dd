// The worker side of backfills and reconciliation: a loop per process that
// takes the backfills due now (app/sync/backfill.server.ts) and the shops whose
// reconciliation is due (app/sync/reconcile.server.ts). Started by every process
// that runs the sync worker (app/cli/worker.ts, server.ts with WORKER=on).
import { randomUUID } from "node:crypto";
import type { AppContext } from "~/context.server";
import type { Logger } from "~/logger";
import { graphqlFromAdmin, type ShopifyGraphql } from "~/shopify/admin-graphql.server";
import { dueBackfills, runBackfill, type BackfillDeps } from "./backfill.server";
import { dueReconciliations, runReconciliation, type ReconcileDeps } from "./reconcile.server";

/** The shop's Admin GraphQL client outside a request: its offline token, renewed first (app/shopify/offline-access.server.ts). */
export function shopGraphql(ctx: Pick<AppContext, "offlineAccess" | "shopify">, now: () => Date = () => new Date()): (shop: string) => Promise<ShopifyGraphql> {
  return async (shop) => {
    await ctx.offlineAccess.ensure(shop);
    const { admin } = await ctx.shopify.unauthenticated.admin(shop);
    return graphqlFromAdmin(admin, { now });
  };
}

export interface HistoryTasks {
  /** One pass now: every due backfill as far as it goes, every due reconciliation. For tests, the demo and the CLI. */
  runDue(): Promise<void>;
  stop(): Promise<void>;
}

export interface HistoryTaskOptions {
  intervalMs?: number;
  /** false: no timer, drive it with runDue. */
  loop?: boolean;
  /** Minutes between two reconciliations of a shop (RECONCILE_INTERVAL_MINUTES); 0 turns the schedule off. */
  reconcileIntervalMinutes?: number;
}

export function startHistoryTasks(deps: Omit<BackfillDeps, "owner"> & Omit<ReconcileDeps, "owner"> & { logger: Logger }, options: HistoryTaskOptions = {}): HistoryTasks {
  const owner = `history-${process.pid}-${randomUUID().slice(0, 8)}`;
  const now = deps.now ?? (() => new Date());
  let stopped = false;
  let running: Promise<void> | null = null;

  async function pass() {
    for (const { id } of await dueBackfills(deps.db, now())) {
      if (stopped) return;
      await runBackfill({ ...deps, owner }, id, () => stopped);
    }
    for (const { shop } of await dueReconciliations(deps.db, now(), options.reconcileIntervalMinutes ?? 60)) {
      if (stopped) return;
      await runReconciliation({ ...deps, owner }, shop);
    }
  }
  const tick = () => {
    if (stopped || running) return;
    running = pass()
      .catch((error) => deps.logger.error("backfill / reconciliation pass failed; tried again at the next", { error: String(error) }))
      .finally(() => (running = null));
  };
  const timer = options.loop === false ? null : setInterval(tick, options.intervalMs ?? 2_000);
  timer?.unref();
  if (timer) tick();

  return {
    async runDue() {
      while (running) await running;
      await pass();
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await running;
    },
  };
}

/** The tasks for the app's context (what worker processes start). */
export function startContextHistoryTasks(ctx: AppContext, options: HistoryTaskOptions = {}): HistoryTasks {
  return startHistoryTasks(
    {
      db: ctx.db,
      graphqlFor: shopGraphql(ctx),
      logger: ctx.logger,
      queued: () => ctx.runner.queue.announce(),
    },
    { reconcileIntervalMinutes: ctx.env.RECONCILE_INTERVAL_MINUTES, ...options },
  );
}
