// What the demo replays, and what each order x partner must end as, with why.
// The reasons follow the mapping decisions in docs/partners/.
import type { JobStatus } from "../app/sync/job-status";

export interface ReplayStep {
  topic: string;
  fixture: string;
  /** Same event id as an earlier step: a duplicate delivery. */
  eventId?: string;
  note?: string;
  /** Let the worker finish before the next step (so an update follows a sync). */
  settleBefore?: boolean;
}

export const REPLAY: ReplayStep[] = [
  { topic: "orders/create", fixture: "orders-create.discount-code-cad", eventId: "demo-evt-1" },
  { topic: "orders/create", fixture: "orders-create.discount-code-cad", eventId: "demo-evt-1", note: "the same delivery again" },
  { topic: "orders/create", fixture: "orders-create.guest-discount-hkd" },
  { topic: "orders/create", fixture: "orders-create.gbp-presentment", settleBefore: true },
  { topic: "fulfillments/create", fixture: "fulfillments-create.gbp-presentment.derived", note: "the GBP order ships" },
  { topic: "orders/updated", fixture: "orders-updated.eur-fulfilled" },
  { topic: "orders/updated", fixture: "orders-updated.tracking-delivered-usd" },
  { topic: "orders/create", fixture: "orders-cancelled.sample", note: "Shopify's sample order", settleBefore: true },
  { topic: "fulfillments/create", fixture: "fulfillments-update.sample" },
  { topic: "orders/cancelled", fixture: "orders-cancelled.discount-code-cad.derived", note: "#1001, synced above, is cancelled" },
  { topic: "orders/cancelled", fixture: "orders-cancelled.refunded-cad" },
  { topic: "orders/cancelled", fixture: "orders-cancelled.refunded-hkd" },
];

/** The statuses a replayed order ends in (app/sync/job-status.ts). */
type Status = Extract<JobStatus, "synced" | "skipped" | "failed" | "paused">;

/** Order name -> partner -> the status the data implies. */
export const EXPECTED: Record<string, Record<string, Status>> = {
  // CAD shop money, USD presentment, a customer with an email; cancelled after it synced:
  // Reverb gets a PUT with subtotal 0.00 (no second POST), TestFreaks the items as not reviewable.
  "#1001": { reverb: "synced", testfreaks: "synced", reversio: "skipped" },
  // Draft order, no customer and no email; HKD.
  "#1071": { reverb: "skipped", testfreaks: "skipped", reversio: "skipped" },
  // EUR shop money (GBP presentment), SKU WS6P25, fulfilled by the derived fulfillment.
  "#29448": { reverb: "synced", testfreaks: "synced", reversio: "synced" },
  // EUR, fulfilled, but its digital lines have no SKU: Revers.io needs one per model.
  "#2672": { reverb: "synced", testfreaks: "synced", reversio: "skipped" },
  // USD, delivered.
  "#23301": { reverb: "synced", testfreaks: "synced", reversio: "skipped" },
  // Shopify's sample arrives already cancelled: Reverb has no cancel call and nothing to record;
  // TestFreaks gets its items as not reviewable; USD for Revers.io.
  "#9999": { reverb: "skipped", testfreaks: "synced", reversio: "skipped" },
  // Cancelled and refunded CAD order, first seen cancelled: as #9999.
  "#1003": { reverb: "skipped", testfreaks: "synced", reversio: "skipped" },
  // Cancelled and refunded HKD order.
  "#1065": { reverb: "skipped", testfreaks: "synced", reversio: "skipped" },
};
