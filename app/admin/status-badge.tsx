// A sync job's status as the admin shows it, in words a merchant reads (app/sync/job-status.ts
// holds them, for the extension and the CLI too). Client-safe (the log, the order page and the
// dashboard use it).
import { Badge } from "@shopify/polaris";
import { JOB_STATUSES, jobStatusMeaning } from "~/sync/job-status";

/** The log's status filter: every status, in the module's order, with its admin label. */
export const STATUS_CHOICES = JOB_STATUSES.map((status) => ({ value: status, label: jobStatusMeaning(status).admin.label }));

export function StatusBadge({ status }: { status: string }) {
  const shown = jobStatusMeaning(status).admin;
  return <Badge tone={shown.tone}>{shown.label}</Badge>;
}

/** What each attempt outcome means, for the attempt list. */
export const OUTCOME_LABELS: Record<string, string> = {
  synced: "Accepted",
  unchanged: "Already up to date",
  retry: "Failed, will retry",
  rate_limited: "Asked to wait",
  failed: "Failed",
  skipped: "Skipped",
  paused: "Paused",
  waiting_for_merchant: "Waiting for you",
};
