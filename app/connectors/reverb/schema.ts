// Reverb by TrackStreet: the merchant's settings and the provider's own request
// and response shapes (docs/partners/reverb.md, reverb-referrals.txt;
// docs/partners/reverb.md "Reverb" for what the pages leave out).
import { z } from "zod";

// TrackStreet shows uuids in the 8-4-4-4-12 form without promising an RFC 4122
// version nibble, so accept any hex uuid (z.guid), not only v1-v8 (z.uuid).
const reverbUuid = (what: string, where: string) =>
  z
    .string({ error: `${what} is required` })
    .trim()
    .pipe(z.guid({ error: `${what} must be a UUID like 1b4e28ba-2fa1-11d2-883f-0016d3cca427 (${where})` }));

const secret = (what: string) =>
  z.string({ error: `${what} is required` }).trim().min(1, { error: `${what} is required (Reverb admin → Website settings → API)` });

const attributeName = (fallback: string) =>
  z.string().trim().min(1, { error: "The note attribute name cannot be empty" }).default(fallback);

export const reverbConfigSchema = z.object({
  consumerKey: secret("Consumer key"),
  consumerSecret: secret("Consumer secret"),
  websiteUuid: reverbUuid("Website UUID", "Reverb admin → Website settings"),
  /** The campaign a referral from the order's note attributes is credited to. */
  campaignUuid: reverbUuid("Campaign UUID", "Reverb admin → Campaigns"),
  /** Checkout note attribute holding the referrer's email (docs/partners/reverb.md: configurable). */
  referrerEmailAttribute: attributeName("reverb_referrer_email"),
  /** Optional note attribute holding the referral level of a multi-level program. */
  referrerLevelAttribute: attributeName("reverb_level"),
});
export type ReverbConfig = z.infer<typeof reverbConfigSchema>;
export type ReverbConfigInput = z.input<typeof reverbConfigSchema>;

// ---- Requests (bodies we send). Values are strings, as in every example of the pages.

/** POST /customers, from TrackStreet's own store plugin (docs/partners/reverb.md [pub]). */
export const reverbCustomerRequestSchema = z.object({
  website_uuid: z.string(),
  email: z.string(),
  first_name: z.string(),
  last_name: z.string(),
  /** The store's own customer id. */
  customer_id: z.string().optional(),
  phone: z.string().optional(),
});
export type ReverbCustomerRequest = z.infer<typeof reverbCustomerRequestSchema>;

export const reverbOrderItemSchema = z.object({
  product_id: z.string(),
  price: z.string(),
  quantity: z.string(),
  product_title: z.string(),
  product_url: z.string(),
  product_image_url: z.string().optional(),
});
export type ReverbOrderItem = z.infer<typeof reverbOrderItemSchema>;

export const reverbReferralRecordSchema = z.object({
  campaign_uuid: z.string(),
  level: z.string(),
  referrer_email: z.string(),
});
export type ReverbReferralRecord = z.infer<typeof reverbReferralRecordSchema>;

/** POST /orders (all required but the last two) and PUT /orders/{uuid} (all optional). */
export const reverbOrderRequestSchema = z.object({
  website_uuid: z.string(),
  customer_uuid: z.string(),
  order_number: z.string(),
  subtotal: z.string(),
  order_items: z.array(reverbOrderItemSchema),
  coupon_used: z.string().optional(),
  referral_records: z.array(reverbReferralRecordSchema).optional(),
});
export type ReverbOrderRequest = z.infer<typeof reverbOrderRequestSchema>;

/** reward_action_type values (reverb-referrals.txt). */
export const REVERB_REWARD_ACTION = { purchase: 1, enroll: 2, clicks: 3, shares: 4 } as const;

/** POST /referrals: the fields we use of the documented list. */
export interface ReverbReferralRequest {
  website_uuid: string;
  campaign_uuid: string;
  reward_action_type: (typeof REVERB_REWARD_ACTION)[keyof typeof REVERB_REWARD_ACTION];
  referrer_advocate_uuid: string;
  referred_customer_uuid?: string;
  referred_order_uuid?: string;
  referred_order_number?: string;
  referred_level?: number;
  qualified_amount?: number;
  share_code?: string;
  reward_amount?: string;
  incentive_amount?: string;
  is_qualified_for_reward?: 0 | 1;
}

// ---- Responses.

/**
 * Every answer: `{"response": {"code", "message", "data"}}`. The pages print
 * `code` as "200" and other answers carry 200: accept both. An unauthorized
 * call may instead answer `{"status": false, "error": "Unauthorized"}` [pub].
 */
export const reverbEnvelopeSchema = z.union([
  z.object({
    response: z.object({
      code: z.union([z.string(), z.number()]),
      message: z.string().optional(),
      data: z.unknown().optional(),
    }),
  }),
  z.object({ status: z.literal(false), error: z.string().optional(), message: z.string().optional() }),
]);
export type ReverbEnvelope = z.infer<typeof reverbEnvelopeSchema>;

export const reverbCustomerSchema = z.looseObject({
  uuid: z.string().min(1),
  email: z.string().optional(),
  first_name: z.string().nullish(),
  last_name: z.string().nullish(),
});
export type ReverbCustomer = z.infer<typeof reverbCustomerSchema>;

export const reverbCustomerDataSchema = z.object({ customer: reverbCustomerSchema });

export const reverbOrderSchema = z.looseObject({
  // GET prints `order_uuid`; the POST example is cut off before the field: accept `uuid` too.
  order_uuid: z.string().min(1).optional(),
  uuid: z.string().min(1).optional(),
  order_number: z.union([z.string(), z.number()]).optional(),
  subtotal: z.string().optional(),
  customer_uuid: z.string().optional(),
  coupon_used: z.string().nullish(),
  order_items: z.array(z.looseObject({})).optional(),
});
export type ReverbOrder = z.infer<typeof reverbOrderSchema> & { order_uuid: string };

/** `data.order` is an object in some answers and a one-element array in others [doc]. */
export const reverbOrderDataSchema = z
  .object({ order: z.union([reverbOrderSchema, z.array(reverbOrderSchema).length(1)]) })
  .transform((data, ctx) => {
    const order = Array.isArray(data.order) ? data.order[0]! : data.order;
    const orderUuid = order.order_uuid ?? order.uuid;
    if (!orderUuid) {
      ctx.addIssue({ code: "custom", message: "the order carries no order_uuid" });
      return z.NEVER;
    }
    return { ...order, order_uuid: orderUuid } as ReverbOrder;
  });

export const reverbReferralSchema = z.looseObject({
  uuid: z.string().min(1),
  campaign_uuid: z.string().nullish(),
  referrer_advocate_uuid: z.string().nullish(),
  referred_customer_uuid: z.string().nullish(),
  referred_order_uuid: z.string().nullish(),
  level: z.union([z.number(), z.string()]).nullish(),
  short_code: z.string().nullish(),
  reward_earned: z.string().nullish(),
  reward_type: z.string().nullish(),
  reward_payed: z.union([z.string(), z.boolean()]).nullish(),
  incentive_used: z.string().nullish(),
  incentive_type: z.string().nullish(),
  referral_date: z.string().nullish(),
});
export type ReverbReferral = z.infer<typeof reverbReferralSchema>;

export const reverbReferralDataSchema = z.object({ referral: reverbReferralSchema });

/** The page prints `data.referrals` as braces around bare records: read an array, or an object of records. */
export const reverbReferralListDataSchema = z
  .object({ referrals: z.union([z.array(reverbReferralSchema), z.record(z.string(), reverbReferralSchema)]).nullish() })
  .transform((data) => (data.referrals == null ? [] : Array.isArray(data.referrals) ? data.referrals : Object.values(data.referrals)));
