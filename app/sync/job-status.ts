// A sync job's statuses (SyncJob.status) and what each means, in one place: the worker,
// the admin (badge, log filter, dashboard counts), the CLI (sync:status prints the names
// as they are) and the order page action (extensions/order-sync-status, which imports
// this file: keep it free of imports, it runs in Shopify's sandboxed worker too).

export const JOB_STATUSES = ["pending", "retrying", "synced", "failed", "skipped", "paused"] as const;

export type JobStatus = (typeof JOB_STATUSES)[number];

export function isJobStatus(value: unknown): value is JobStatus {
  return typeof value === "string" && (JOB_STATUSES as readonly string[]).includes(value);
}

/** Statuses the worker runs once due (nextRunAt): the queue's work. */
export const DUE_STATUSES = ["pending", "retrying"] as const satisfies readonly JobStatus[];

/** Statuses of a job that has not reached an outcome: due, or held (SyncJob.holdReason says why). */
export const UNSETTLED_STATUSES = ["pending", "retrying", "paused"] as const satisfies readonly JobStatus[];

/** Polaris badge tones (the admin's Badge and the extension's s-badge share these names). */
export type StatusTone = "success" | "critical" | "warning" | "attention" | "info" | undefined;

export interface JobStatusMeaning {
  /** What the status means, for the operator (CLI help, README). */
  meaning: string;
  /** The embedded admin's badge. */
  admin: { label: string; tone: StatusTone };
  /** The order page action: a label and a hint for the merchant reading it outside the app. */
  extension: { label: string; tone: Exclude<StatusTone, "attention">; hint: string };
  /** lastError of a job in this status is a reason, not an error (skipped, paused). */
  lastErrorIsReason: boolean;
}

export const JOB_STATUS_MEANINGS: Record<JobStatus, JobStatusMeaning> = {
  pending: {
    meaning: "due: the worker sends it at nextRunAt",
    admin: { label: "Waiting", tone: "info" },
    extension: { label: "Waiting to send", tone: "info", hint: "Partner Sync sends it shortly." },
    lastErrorIsReason: false,
  },
  retrying: {
    meaning: "the last attempt failed or was rate limited; due again at nextRunAt",
    admin: { label: "Retrying", tone: "attention" },
    extension: { label: "Retrying", tone: "warning", hint: "The last try did not go through; Partner Sync tries again on its own." },
    lastErrorIsReason: false,
  },
  synced: {
    meaning: "the partner accepted the order as it stands",
    admin: { label: "Synced", tone: "success" },
    extension: { label: "Synced", tone: "success", hint: "The partner has this order." },
    lastErrorIsReason: false,
  },
  failed: {
    meaning: "given up (a permanent refusal, or the retries ran out); Resync in the admin or sync:requeue queues it again",
    admin: { label: "Failed", tone: "critical" },
    extension: { label: "Failed", tone: "critical", hint: "Partner Sync stopped trying. Fix the cause, then resync." },
    lastErrorIsReason: false,
  },
  skipped: {
    meaning: "nothing to send to this partner; lastError says why",
    admin: { label: "Skipped", tone: undefined },
    extension: { label: "Not sent", tone: undefined, hint: "This order does not need to go to this partner." },
    lastErrorIsReason: true,
  },
  paused: {
    meaning: "held (holdReason: the merchant's pause, refused credentials, an uninstall, Shopify's access, a create waiting for the merchant)",
    admin: { label: "Paused", tone: "warning" },
    extension: { label: "Paused", tone: "warning", hint: "Sending is on hold until the partner's settings are fixed in Partner Sync." },
    lastErrorIsReason: true,
  },
};

/** The meaning of a stored status; one no release knows is shown as it is, untoned. */
export function jobStatusMeaning(status: string): JobStatusMeaning {
  if (isJobStatus(status)) return JOB_STATUS_MEANINGS[status];
  return { meaning: status, admin: { label: status, tone: undefined }, extension: { label: status, tone: undefined, hint: "" }, lastErrorIsReason: false };
}
