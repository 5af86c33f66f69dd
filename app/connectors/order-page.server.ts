// The order page's live part, common to every partner: what a partner holds about an
// order, read when the page is viewed, and the partner's own forms on the page. Each
// folder's order-page.server.ts fills an OrderPageServer (its Connector's orderPage);
// the route (app/routes/app.orders.$orderId.tsx) reads them from the registry.
// A partner that is slow, down or refuses us must never break the page: every
// function here answers a result with a sentence for the merchant, never throws.
import type { z } from "zod";
import { PartnerError } from "./errors";
import type { AnyConnector, ClientDeps } from "./types";
import { loadPartnerConfig } from "~/sync/partner-config.server";
import type { PartnerCallDeps } from "~/sync/run-job.server";

/** Live reads are for a page view: a partner slower than this is reported, not waited for. */
export const PARTNER_READ_TIMEOUT_MS = 8_000;

export type PartnerReadDeps = PartnerCallDeps;

export type PartnerRead<T> =
  | { status: "ok"; value: T }
  /** Nothing to show, for a reason the merchant can act on (not set up, not synced yet). */
  | { status: "none"; message: string }
  /** The partner could not be asked or answered with an error. */
  | { status: "error"; message: string };

type NoRead = Exclude<PartnerRead<never>, { status: "ok" }>;
type Loaded<Config> = { config: Config; remoteId: string | null; clientDeps: ClientDeps } | { failure: NoRead };

/** The partner's settings and the order's remote id, or why there is nothing to ask. */
export async function prepare<Config>(deps: PartnerReadDeps, shop: string, orderId: string, connector: AnyConnector): Promise<Loaded<Config>> {
  let stored;
  try {
    stored = await loadPartnerConfig(deps.db, deps.keyring, shop, connector);
  } catch (error) {
    deps.logger.error("partner settings unreadable", { shop, partner: connector.id, error: error instanceof Error ? error.message : String(error) });
    return { failure: { status: "error", message: `The ${connector.displayName} settings could not be read; save them again on the ${connector.displayName} page.` } };
  }
  if (!stored) return { failure: { status: "none", message: `${connector.displayName} is not set up for this store.` } };
  const job = await deps.db.syncJob.findUnique({
    where: { shop_orderId_partner: { shop, orderId, partner: connector.id } },
    select: { remoteId: true },
  });
  const fetchWithTimeout: typeof fetch = (input, init) =>
    deps.fetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, AbortSignal.timeout(PARTNER_READ_TIMEOUT_MS)]) : AbortSignal.timeout(PARTNER_READ_TIMEOUT_MS) });
  return {
    config: stored.config as Config,
    remoteId: job?.remoteId ?? null,
    clientDeps: { fetch: fetchWithTimeout, now: deps.now, logger: deps.logger, baseUrl: connector.baseUrl(stored.config, deps.env) },
  };
}

/** A partner failure in words for the merchant (the partner's own message kept for support). */
export function describePartnerFailure(partnerName: string, error: unknown): string {
  if (error instanceof PartnerError) {
    switch (error.failureClass) {
      case "credentials":
        return `${partnerName} refused the stored credentials. Check them on the ${partnerName} settings page.`;
      case "rate_limited":
        return `${partnerName} asked us to slow down. Try again in a minute.`;
      case "retryable":
        return `${partnerName} is not answering properly right now. Try again in a few minutes. (${error.message})`;
      case "permanent":
        return `${partnerName} did not accept the request: ${error.message}`;
    }
  }
  return `${partnerName} could not be asked right now. Try again later.`;
}

/** What a partner's form on the order page answers: a sentence, and the field it is about when the input was wrong. */
export type OrderPageActionResult = { ok: true; message: string } | { ok: false; field?: string; message: string };

/** One form a partner adds to the order page, by its `intent`. */
export interface OrderPageAction<Input = unknown> {
  /** The form's fields (without `intent`); a refusal answers the first issue on its field. */
  input: z.ZodType<Input>;
  run(deps: PartnerReadDeps, shop: string, orderId: string, input: Input): Promise<OrderPageActionResult>;
}

/** What a partner adds to the order page, server side (its panel is in the folder's ui.tsx). */
export interface OrderPageServer {
  /** What the partner holds about the order, streamed to the page when the partner is set up. */
  read?(deps: PartnerReadDeps, shop: string, orderId: string): Promise<PartnerRead<unknown>>;
  /** The partner's forms by intent ("credit", "reverb-link", ...): intents are unique across partners. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  actions?: Readonly<Record<string, OrderPageAction<any>>>;
}
