// A sync job's status as the admin shows it, in words a merchant reads.
// Client-safe (the log, the order page and the dashboard use it).
import { Badge } from "@shopify/polaris";

type Tone = "success" | "critical" | "warning" | "attention" | "info" | undefined;

export const STATUS_LABELS: Record<string, { label: string; tone: Tone }> = {
  pending: { label: "Waiting", tone: "info" },
  retrying: { label: "Retrying", tone: "attention" },
  synced: { label: "Synced", tone: "success" },
  failed: { label: "Failed", tone: "critical" },
  skipped: { label: "Skipped", tone: undefined },
  paused: { label: "Paused", tone: "warning" },
};

export function StatusBadge({ status }: { status: string }) {
  const shown = STATUS_LABELS[status] ?? { label: status, tone: undefined };
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
  paused: "Paused (credentials)",
  waiting_for_merchant: "Waiting for you",
};
