// What the partners themselves hold about an order, read live for the order
// page: Reverb's referral (reward, status) and TestFreaks' view of the order;
// and the one partner write the page offers, crediting a referrer in Reverb.
// A partner that is slow, down or refuses us must never break the page: every
// function here answers a result with a sentence for the merchant, never throws.
import { PartnerError } from "~/connectors/errors";
import { createReverbClient, reverbConnector } from "~/connectors/reverb";
import type { ReverbConfig } from "~/connectors/reverb/schema";
import { createTestfreaksClient } from "~/connectors/testfreaks/client";
import { testfreaksConnector } from "~/connectors/testfreaks";
import type { TestfreaksConfig } from "~/connectors/testfreaks/schema";
import type { AnyConnector, ClientDeps } from "~/connectors/types";
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

export interface ReferralView {
  uuid: string;
  level: string | null;
  rewardEarned: string | null;
  rewardType: string | null;
  /** Reverb's reward_payed: true once the reward was paid out. */
  rewardPaid: boolean | null;
  referralDate: string | null;
  referrerAdvocateUuid: string | null;
}

export interface TestfreaksOrderView {
  id: string;
  /** The customer asked TestFreaks not to be contacted. */
  optedOut: boolean;
  items: { id: string; name: string | null; deliveryDate: string | null; reviewable: boolean | null; deleted: boolean }[];
}

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
  const fetchWithTimeout: typeof fetch = (input, init) => deps.fetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, AbortSignal.timeout(PARTNER_READ_TIMEOUT_MS)]) : AbortSignal.timeout(PARTNER_READ_TIMEOUT_MS) });
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

/** Reverb's referral records for this order (usually none or one). */
export async function reverbReferralForOrder(deps: PartnerReadDeps, shop: string, orderId: string): Promise<PartnerRead<ReferralView[]>> {
  const loaded = await prepare<ReverbConfig>(deps, shop, orderId, reverbConnector);
  if ("failure" in loaded) return loaded.failure;
  if (!loaded.remoteId) return { status: "none", message: "This order is not in Reverb yet. Its referral shows here once it has synced." };
  try {
    const client = createReverbClient(loaded.clientDeps, loaded.config);
    const order = await client.getOrder(loaded.remoteId);
    if (!order) return { status: "none", message: "Reverb no longer has this order. Resync it to send it again." };
    if (!order.customer_uuid) return { status: "ok", value: [] };
    // Reverb lists referrals by customer (the advocate or the referred one); keep those of this order.
    const referrals = await client.getReferralsForCustomer(order.customer_uuid);
    const mine = referrals.filter((referral) => referral.referred_order_uuid === loaded.remoteId);
    return {
      status: "ok",
      value: mine.map((referral) => ({
        uuid: referral.uuid,
        level: referral.level == null ? null : String(referral.level),
        rewardEarned: referral.reward_earned ?? null,
        rewardType: referral.reward_type ?? null,
        rewardPaid: referral.reward_payed == null ? null : referral.reward_payed === true || referral.reward_payed === "1" || referral.reward_payed === "true",
        referralDate: referral.referral_date ?? null,
        referrerAdvocateUuid: referral.referrer_advocate_uuid ?? null,
      })),
    };
  } catch (error) {
    deps.logger.warn("reverb referral read failed", { shop, orderId, error: error instanceof Error ? error.message : String(error) });
    return { status: "error", message: describePartnerFailure("Reverb", error) };
  }
}

export type CreditResult = { ok: true; message: string } | { ok: false; field?: "referrerEmail"; message: string };

// Crediting a referrer lives with the order page's other Reverb writes.
export { creditReferrerForOrder } from "./reverb-order.server";

/** TestFreaks' record of the order: which items it will invite reviews for. */
export async function testfreaksViewOfOrder(deps: PartnerReadDeps, shop: string, orderId: string): Promise<PartnerRead<TestfreaksOrderView>> {
  const loaded = await prepare<TestfreaksConfig>(deps, shop, orderId, testfreaksConnector);
  if ("failure" in loaded) return loaded.failure;
  if (!loaded.remoteId) return { status: "none", message: "This order is not in TestFreaks yet. What TestFreaks holds shows here once it has synced." };
  try {
    const client = createTestfreaksClient(loaded.clientDeps, loaded.config);
    const order = await client.getOrder(loaded.remoteId);
    if (!order) return { status: "none", message: "TestFreaks does not know this order. Resync it to send it again." };
    return {
      status: "ok",
      value: {
        id: order.id,
        optedOut: order.customer?.opt_out === true,
        items: (order.items ?? []).map((item) => ({
          id: item.id,
          name: item.name ?? null,
          deliveryDate: item.delivery_date ?? null,
          reviewable: item.reviewable ?? null,
          deleted: item.deleted === true,
        })),
      },
    };
  } catch (error) {
    deps.logger.warn("testfreaks order read failed", { shop, orderId, error: error instanceof Error ? error.message : String(error) });
    return { status: "error", message: describePartnerFailure("TestFreaks", error) };
  }
}
