// Which jobs a worker takes first. Claims order by priority (lower first), then
// by how long the job has been due: a backfill's many thousands of jobs and a
// reconciliation's recoveries wait behind every order that arrived live, in
// both queue engines (app/sync/engines/job-row.server.ts). Per-partner rate
// limits still hold for all of them: priority only decides the order in which
// a lane's jobs take its tokens (app/sync/rate-limit.server.ts).

export const JOB_PRIORITY = {
  /** A webhook Shopify delivered. */
  live: 0,
  /** An order reconciliation found missing or older than Shopify's: a webhook that was lost. */
  reconcile: 1,
  /** An order of the shop's history, read by a backfill. */
  backfill: 2,
} as const;

/** What recorded a delivery in the inbox (WebhookEvent.source). */
export type DeliverySource = "webhook" | "reconcile" | "backfill";

const SOURCE_PRIORITY: Record<DeliverySource, number> = { webhook: JOB_PRIORITY.live, reconcile: JOB_PRIORITY.reconcile, backfill: JOB_PRIORITY.backfill };

/** What ensureJobs writes on the jobs it queues besides their status. */
export interface JobRules {
  priority?: number;
  /** The backfill that queued them (its progress counts them). */
  backfillId?: string | null;
  /** Only partners with no job for the order yet (a backfill for a partner set up after the order arrived). */
  missingOnly?: boolean;
}

/**
 * The rules for jobs queued by merging these deliveries: the most urgent source
 * wins (a live webhook merged together with a backfill's copy queues live jobs).
 */
export function rulesForSources(rows: { source: string; backfillId: string | null }[]): JobRules & { backfillOnly: string | null } {
  const priority = Math.min(...rows.map((row) => SOURCE_PRIORITY[row.source as DeliverySource] ?? JOB_PRIORITY.live));
  const backfillOnly = priority === JOB_PRIORITY.backfill ? (rows.find((row) => row.backfillId)?.backfillId ?? null) : null;
  return { priority, backfillId: backfillOnly, backfillOnly };
}
