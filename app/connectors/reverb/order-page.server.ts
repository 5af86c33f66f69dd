// What Reverb adds to the order page (docs/partners/reverb.md): the order's referral as
// Reverb holds it (reward, status); crediting a referrer, once per order; and, for an
// order whose POST Reverb accepted without saying its id (or whose answer never came
// back), linking it to the uuid the merchant finds in Reverb's dashboard, or marking it
// handled. None of them ever POSTs the order. Like every function of the page, they
// answer a sentence, never throw. The panel is ./ui.tsx.
import { z } from "zod";
import { PartnerError } from "../errors";
import { describePartnerFailure, prepare, type OrderPageServer, type PartnerRead, type PartnerReadDeps } from "../order-page.server";
import { maskEmail } from "~/admin/mask.server";
import { resolveWaitingIfSettled } from "~/sync/alerts.server";
import { linkCreatedOrder, markCreateHandled, waitingMessage } from "~/sync/create-once.server";
import { createReverbClient } from "./client";
import { reverbConnector } from "./index";
import type { ReverbConfig } from "./schema";

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

/**
 * A credit whose answer never came back holds the order this long: a second submit
 * meanwhile is the same click twice. After it, a new submit first asks Reverb
 * whether the referral exists, and posts only if it does not.
 */
export const CREDIT_CLAIM_MS = 2 * 60_000;

/**
 * Credits the Reverb advocate with this email for the order (docs/partners/reverb.md
 * "Referrals. Use:"). The order must be in Reverb already: the referral names it by
 * its Reverb uuid, and the referred customer comes from it. At most one referral per
 * order: the job row records the credit (sending, then credited) before and after
 * the POST, and Reverb's own list is checked before posting.
 */
export async function creditReferrerForOrder(deps: PartnerReadDeps, shop: string, orderId: string, referrerEmail: string): Promise<CreditResult> {
  const loaded = await prepare<ReverbConfig>(deps, shop, orderId, reverbConnector);
  if ("failure" in loaded) return { ok: false, message: loaded.failure.message };
  const job = await deps.db.syncJob.findUnique({
    where: { shop_orderId_partner: { shop, orderId, partner: reverbConnector.id } },
    select: { id: true, remoteId: true, referralCredit: true },
  });
  if (!job?.remoteId) return { ok: false, message: "This order is not in Reverb yet. Sync it first, then credit the referrer." };
  if (job.referralCredit === "credited") return { ok: true, message: "A referrer is already credited for this order in Reverb: nothing was sent again." };

  const now = deps.now();
  const claimed = await deps.db.syncJob.updateMany({
    where: { id: job.id, OR: [{ referralCredit: null }, { referralCredit: "sending", referralCreditAt: { lt: new Date(now.getTime() - CREDIT_CLAIM_MS) } }] },
    data: { referralCredit: "sending", referralCreditAt: now },
  });
  if (claimed.count !== 1) {
    return { ok: false, message: "A referrer is being credited for this order right now. Reload the page in a minute: the referral shows above once Reverb has it." };
  }
  const settle = (state: "credited" | null) => deps.db.syncJob.updateMany({ where: { id: job.id }, data: { referralCredit: state, referralCreditAt: state ? deps.now() : null } });

  try {
    const client = createReverbClient(loaded.clientDeps, loaded.config);
    const referrerOrderUuid = await referrerOrderUuidFor(deps, shop, orderId, referrerEmail);
    const result = await client.creditReferrer({ referrerEmail, orderUuid: job.remoteId, ...(referrerOrderUuid ? { referrerOrderUuid } : {}) });
    switch (result.status) {
      case "credited":
        await settle("credited");
        deps.logger.info("reverb referrer credited by the merchant", { shop, orderId, referrer: maskEmail(referrerEmail) });
        return { ok: true, message: `The referrer ${referrerEmail} was credited for this order in Reverb.` };
      case "already_credited":
        await settle("credited");
        return { ok: true, message: "Reverb already holds a referral for this order: nothing was sent again." };
      case "referrer_not_found":
        await settle(null);
        return { ok: false, field: "referrerEmail", message: "Reverb has no advocate with this email. Check the address, or add the advocate in Reverb first." };
      case "order_not_found":
        await settle(null);
        return { ok: false, message: "Reverb no longer has this order. Resync it, then try again." };
    }
  } catch (error) {
    deps.logger.warn("reverb referrer credit failed", { shop, orderId, error: error instanceof Error ? error.message : String(error) });
    // A refusal Reverb stated created nothing: the merchant may try again at once. Without
    // an answer the referral may exist: the claim holds until Reverb's list can tell.
    if (error instanceof PartnerError && !error.uncertain) await settle(null);
    return { ok: false, message: describePartnerFailure("Reverb", error) };
  }
}

/**
 * referrer_order_uuid, "required if conversion action was a referred purchase"
 * (docs/partners/reverb.md): the Reverb uuid of the referrer's latest order in this
 * shop that Reverb holds, other than this one. None when the referrer never bought
 * here (then the field is left out and Reverb decides).
 */
async function referrerOrderUuidFor(deps: PartnerReadDeps, shop: string, orderId: string, referrerEmail: string): Promise<string | null> {
  const email = referrerEmail.trim();
  const orders = await deps.db.orderSnapshot.findMany({
    where: { shop, email: { in: [...new Set([email, email.toLowerCase()])] }, NOT: { orderId } },
    select: { orderId: true },
    orderBy: { shopifyUpdatedAt: "desc" },
    take: 50,
  });
  if (orders.length === 0) return null;
  const jobs = await deps.db.syncJob.findMany({
    where: { shop, partner: reverbConnector.id, orderId: { in: orders.map((order) => order.orderId) }, remoteId: { not: null } },
    select: { orderId: true, remoteId: true },
  });
  const byOrder = new Map(jobs.map((job) => [job.orderId, job.remoteId]));
  for (const order of orders) {
    const uuid = byOrder.get(order.orderId);
    if (uuid) return uuid;
  }
  return null;
}

export type CreateActionResult = { ok: true; message: string } | { ok: false; field?: "reverbOrderUuid"; message: string };

const NOT_WAITING = "This order is not waiting for you in Reverb any more (reload the page to see where it stands).";

/**
 * The merchant pasted the uuid Reverb's dashboard shows for this order: the app
 * reads it back (GET /orders/{order_uuid}), checks it is this order, and stores it;
 * the job then sends the order's current state as a PUT. Never a POST.
 */
export async function linkReverbOrder(deps: PartnerReadDeps, shop: string, orderId: string, orderUuid: string): Promise<CreateActionResult> {
  const loaded = await prepare<ReverbConfig>(deps, shop, orderId, reverbConnector);
  if ("failure" in loaded) return { ok: false, message: loaded.failure.message };
  if (loaded.remoteId) return { ok: false, message: `This order is already linked to Reverb order ${loaded.remoteId}.` };
  const snapshot = await deps.db.orderSnapshot.findUnique({ where: { shop_orderId: { shop, orderId } }, select: { orderName: true } });
  if (!snapshot) return { ok: false, message: "This order is no longer stored." };
  let found;
  try {
    found = await createReverbClient(loaded.clientDeps, loaded.config).getOrder(orderUuid);
  } catch (error) {
    deps.logger.warn("reverb order lookup failed", { shop, orderId, error: error instanceof Error ? error.message : String(error) });
    return { ok: false, message: describePartnerFailure("Reverb", error) };
  }
  if (!found) return { ok: false, field: "reverbOrderUuid", message: `Reverb has no order ${orderUuid}. Copy the order's id from Reverb's dashboard.` };
  // Compared without a leading "#" or spaces: Reverb may keep the number as a bare number.
  const bare = (number: string) => number.trim().replace(/^#/, "");
  if (found.order_number !== null && bare(found.order_number) !== bare(snapshot.orderName)) {
    return { ok: false, field: "reverbOrderUuid", message: `Reverb's order ${orderUuid} is order ${found.order_number}, not ${snapshot.orderName}. Copy the id of ${snapshot.orderName}.` };
  }
  const linked = await linkCreatedOrder(deps.db, shop, orderId, reverbConnector.id, found.order_uuid, deps.now());
  if (!linked.ok) {
    return linked.reason === "id_in_use"
      ? { ok: false, field: "reverbOrderUuid", message: `Reverb order ${found.order_uuid} is already linked to another order of this store.` }
      : { ok: false, message: NOT_WAITING };
  }
  deps.logger.info("reverb order linked by the merchant", { shop, orderId, orderUuid: found.order_uuid });
  await resolveWaitingAlert(deps, shop);
  return { ok: true, message: `Linked to Reverb order ${found.order_uuid}: later changes are sent as updates of it.` };
}

/** The merchant says Reverb needs nothing more for this order: stored as handled, never posted. */
export async function markReverbOrderHandled(deps: PartnerReadDeps, shop: string, orderId: string): Promise<CreateActionResult> {
  const snapshot = await deps.db.orderSnapshot.findUnique({ where: { shop_orderId: { shop, orderId } }, select: { orderName: true } });
  if (!snapshot) return { ok: false, message: "This order is no longer stored." };
  const message = waitingMessage("Reverb", `Order ${snapshot.orderName}`, { state: "handled", sentAt: null });
  const marked = await markCreateHandled(deps.db, shop, orderId, reverbConnector.id, message);
  if (!marked.ok) return { ok: false, message: NOT_WAITING };
  deps.logger.info("reverb order marked handled by the merchant", { shop, orderId });
  await resolveWaitingAlert(deps, shop);
  return { ok: true, message: "Marked as handled: the app will not send this order to Reverb." };
}

/** The last order waiting settled: the "orders waiting for you" incident ends now (the alert pass would, a minute later). */
async function resolveWaitingAlert(deps: PartnerReadDeps, shop: string): Promise<void> {
  try {
    await resolveWaitingIfSettled(deps.db, shop, reverbConnector.id, deps.now());
  } catch (error) {
    // The order is settled either way: the banner's own refresh resolves the incident next time.
    deps.logger.warn("waiting alert not resolved", { shop, error: error instanceof Error ? error.message : String(error) });
  }
}

/** The order page's Reverb part (reverbConnector.orderPage). */
export const reverbOrderPage: OrderPageServer = {
  read: reverbReferralForOrder,
  actions: {
    credit: {
      input: z.object({
        referrerEmail: z
          .string({ error: "Enter the referrer's email" })
          .trim()
          .min(1, { error: "Enter the referrer's email" })
          .max(254, { error: "That email address is too long" })
          .pipe(z.email({ error: "Enter an email address like name@example.com" })),
      }),
      run: (deps, shop, orderId, input: { referrerEmail: string }) => creditReferrerForOrder(deps, shop, orderId, input.referrerEmail),
    },
    // An order Reverb may hold without the app knowing its id (docs/partners/reverb.md): never posted again.
    "reverb-link": {
      input: z.object({
        reverbOrderUuid: z
          .string({ error: "Paste the order's id from Reverb" })
          .trim()
          .min(1, { error: "Paste the order's id from Reverb" })
          .max(100, { error: "That is too long for a Reverb id: paste only the id" })
          .refine((value) => !/\s/.test(value), { error: "A Reverb id has no spaces: paste only the id" }),
      }),
      run: (deps, shop, orderId, input: { reverbOrderUuid: string }) => linkReverbOrder(deps, shop, orderId, input.reverbOrderUuid),
    },
    "reverb-handled": { input: z.object({}), run: (deps, shop, orderId) => markReverbOrderHandled(deps, shop, orderId) },
  },
};
