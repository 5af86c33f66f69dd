// The extension's side of app/routes/api.extension.orders.$orderId.tsx. The route
// imports these types (type-only, nothing of the app is bundled here), so a change
// to the answer's shape fails the typecheck on both sides.

/** One partner's state for the order, as the route answers it. */
export interface PartnerSyncRow {
  partner: string;
  /** The partner's name as the admin pages show it. */
  partnerName: string;
  /** pending | retrying | synced | failed | skipped | paused */
  status: string;
  attempts: number;
  /** Why the last try failed, or why the order was skipped or paused. */
  lastError: string | null;
  /** The record's id on the partner's side once it accepted the order. */
  remoteId: string | null;
  /** ISO time of the last change. */
  updatedAt: string;
}

export interface OrderSyncStatus {
  orderId: string;
  /** "#1001"; empty if the order arrived without one. */
  orderName: string;
  partners: PartnerSyncRow[];
}

/** The answer to a resync: the rows after the jobs were queued again. */
export interface ResyncAnswer extends OrderSyncStatus {
  /** How many partners the order was queued for. */
  queued: number;
}

/** Every non-2xx answer the route writes itself carries one sentence for the merchant. */
export interface ApiErrorAnswer {
  error: string;
}

export type Loaded<T> = { kind: "ok"; value: T } | { kind: "not_found" } | { kind: "error"; message: string };

export const MESSAGES = {
  unreachable: "Partner Sync could not be reached. Check your connection, then try again.",
  session: "Shopify could not confirm your session with Partner Sync. Reload the page, then try again.",
  failed: "Partner Sync could not answer just now. Try again in a moment.",
  unreadable: "Partner Sync sent an answer this page cannot read. Try again in a moment.",
  noOrder: "Shopify did not say which order this is. Close this window and open it again from the order.",
} as const;

/** The numeric id Partner Sync stores, from the admin's `gid://shopify/Order/<id>`. */
export function orderIdFromGid(gid: string | undefined): string | null {
  const match = /^gid:\/\/shopify\/Order\/(\d+)$/.exec(gid ?? "");
  return match?.[1] ?? null;
}

type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

/**
 * Calls the app's backend with paths relative to the app's URL: in an admin UI
 * extension, Shopify resolves a relative fetch against the app's `application_url`
 * and adds `Authorization: Bearer <session token>` to requests for that domain, so
 * no token is handled here.
 */
export function createOrderSyncClient(fetchImpl: Fetch) {
  const path = (orderId: string) => `/api/extension/orders/${encodeURIComponent(orderId)}`;
  return {
    load: (orderId: string) => call<OrderSyncStatus>(fetchImpl, path(orderId), { method: "GET" }),
    resync: (orderId: string) => call<ResyncAnswer>(fetchImpl, path(orderId), { method: "POST" }),
  };
}

async function call<T extends OrderSyncStatus>(fetchImpl: Fetch, path: string, init: RequestInit): Promise<Loaded<T>> {
  let response: Response;
  try {
    response = await fetchImpl(path, init);
  } catch {
    return { kind: "error", message: MESSAGES.unreachable };
  }
  if (response.status === 404) return { kind: "not_found" };
  if (response.status === 401 || response.status === 403) return { kind: "error", message: MESSAGES.session };
  // 409: the app refused for a reason written for the merchant (e.g. Shopify could not be asked for the order).
  if (response.status === 409) {
    const refusal = (await response.json().catch(() => null)) as { error?: unknown } | null;
    return { kind: "error", message: typeof refusal?.error === "string" ? refusal.error : MESSAGES.failed };
  }
  if (!response.ok) return { kind: "error", message: MESSAGES.failed };
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    return { kind: "error", message: MESSAGES.unreadable };
  }
  if (!isOrderSyncStatus(body)) return { kind: "error", message: MESSAGES.unreadable };
  return { kind: "ok", value: body as T };
}

function isOrderSyncStatus(value: unknown): value is OrderSyncStatus {
  if (typeof value !== "object" || value === null) return false;
  const partners = (value as { partners?: unknown }).partners;
  return Array.isArray(partners) && partners.every((row) => typeof row === "object" && row !== null && typeof (row as PartnerSyncRow).status === "string");
}
