// Reverb referral records (reverb-referrals.txt): read for the admin's order
// page, and created when the merchant credits a referrer by hand (docs/partners/reverb.md
// "Referrals. Use:" [ours]).
import type { ReverbTransport } from "./client";
import {
  REVERB_REWARD_ACTION,
  reverbReferralDataSchema,
  reverbReferralListDataSchema,
  type ReverbConfig,
  type ReverbCustomer,
  type ReverbOrder,
  type ReverbReferral,
  type ReverbReferralRequest,
} from "./schema";

export type CreditReferrerInput = {
  referrerEmail: string;
  /** Level in a multi-level program; the page's default is 1. */
  level?: number;
  /** Defaults to the campaign in the merchant's settings. */
  campaignUuid?: string;
  /** An order the referrer made, sent as referrer_order_uuid (the page requires it for a referred purchase). */
  referrerOrderUuid?: string;
} & (
  | { orderUuid: string; referredCustomerUuid?: string }
  // With only the number we cannot read the order, and the page requires the
  // referred customer for a referred purchase: the caller must supply it.
  | { orderNumber: string; referredCustomerUuid: string }
);

export type CreditReferrerResult =
  | { status: "credited"; referrerAdvocateUuid: string; sent: ReverbReferralRequest }
  /** Reverb already holds a referral for this order (from its first POST, a first click, or its dashboard): nothing was posted. */
  | { status: "already_credited"; referral: ReverbReferral }
  | { status: "referrer_not_found"; message: string }
  | { status: "order_not_found"; message: string };

interface Lookups {
  findCustomer(email: string): Promise<ReverbCustomer | null>;
  getOrder(orderUuid: string): Promise<ReverbOrder | null>;
}

const segment = encodeURIComponent;

export function reverbReferralFunctions(transport: ReverbTransport, config: Pick<ReverbConfig, "websiteUuid" | "campaignUuid">, lookups: Lookups) {
  async function getReferral(referralUuid: string): Promise<ReverbReferral | null> {
    const answer = await transport.callUnlessNotFound({ method: "GET", path: `/referrals/${segment(referralUuid)}` }, "referral lookup");
    if (answer === null) return null;
    return transport.read(reverbReferralDataSchema, answer, "referral lookup").referral;
  }

  /** Same URL shape as getReferral: the page really says so; the answer carries `referrals` instead. */
  async function getReferralsForCustomer(customerUuid: string): Promise<ReverbReferral[]> {
    const answer = await transport.callUnlessNotFound({ method: "GET", path: `/referrals/${segment(customerUuid)}` }, "referrals of a customer");
    if (answer === null) return [];
    return transport.read(reverbReferralListDataSchema, answer, "referrals of a customer");
  }

  /** POST /referrals. The page's answer carries no data, only code and message. */
  async function createReferral(body: ReverbReferralRequest): Promise<{ httpStatus: number }> {
    const answer = await transport.call({ method: "POST", path: "/referrals", body }, "referral creation");
    return { httpStatus: answer.httpStatus };
  }

  /**
   * Credits the advocate with this email for a purchase (reward_action_type 1):
   * looks the advocate up, fills in the referred customer from the order when
   * only the order uuid is known, then posts the referral.
   */
  async function creditReferrer(input: CreditReferrerInput): Promise<CreditReferrerResult> {
    const referrerEmail = input.referrerEmail.trim();
    const advocate = await lookups.findCustomer(referrerEmail);
    if (!advocate) return { status: "referrer_not_found", message: `Reverb has no advocate with the email ${referrerEmail}` };

    let referredCustomerUuid = input.referredCustomerUuid;
    if (referredCustomerUuid === undefined && "orderUuid" in input) {
      const order = await lookups.getOrder(input.orderUuid);
      if (!order) return { status: "order_not_found", message: `Reverb has no order ${input.orderUuid}` };
      // An answer with a null customer_uuid still names the buyer by email.
      referredCustomerUuid = order.customer_uuid ?? (order.customer_email ? (await lookups.findCustomer(order.customer_email))?.uuid : undefined);
    }

    // One referral per order: a second click, or a record its first POST already
    // made, must not credit anyone twice (Reverb lists referrals by customer only).
    if (referredCustomerUuid !== undefined && "orderUuid" in input) {
      const existing = (await getReferralsForCustomer(referredCustomerUuid)).find((referral) => referral.referred_order_uuid === input.orderUuid);
      if (existing) return { status: "already_credited", referral: existing };
    }

    const body: ReverbReferralRequest = {
      website_uuid: config.websiteUuid,
      campaign_uuid: input.campaignUuid ?? config.campaignUuid,
      reward_action_type: REVERB_REWARD_ACTION.purchase,
      referrer_advocate_uuid: advocate.uuid,
      ...(referredCustomerUuid ? { referred_customer_uuid: referredCustomerUuid } : {}),
      // The page accepts the order by uuid, or by our order number when the uuid is not known.
      ...("orderUuid" in input ? { referred_order_uuid: input.orderUuid } : { referred_order_number: input.orderNumber }),
      ...(input.referrerOrderUuid ? { referrer_order_uuid: input.referrerOrderUuid } : {}),
      // The field list names it referred_level ("required if ... a referred purchase", default 1).
      referred_level: input.level ?? 1,
    };
    await createReferral(body);
    return { status: "credited", referrerAdvocateUuid: advocate.uuid, sent: body };
  }

  return { getReferral, getReferralsForCustomer, createReferral, creditReferrer };
}
