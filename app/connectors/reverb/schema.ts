// Reverb by TrackStreet: the merchant's settings and the provider's own request
// and response shapes (docs/partners/reverb.md, reverb-referrals.txt;
// docs/partners/reverb.md "Reverb" for what the pages leave out).
import { z } from "zod";

// Reverb's pages print its ids in two shapes (8-4-4-4-12 for orders, 4-4-4-4-4 for
// referrals and websites) and promise none: refuse only what is certainly not an id,
// and say which rule a value breaks (docs/partners/reverb.md "Settings").
const REVERB_ID_MAX = 100;
const reverbUuid = (what: string, where: string) =>
  z
    .string({ error: `${what} is required (${where})` })
    .trim()
    .min(1, { error: `${what} is required (${where})` })
    .max(REVERB_ID_MAX, { error: `${what} is too long for an id (more than ${REVERB_ID_MAX} characters): paste only the id (${where})` })
    .refine((value) => !/\s/.test(value), { error: `${what} contains spaces or line breaks: paste only the id (${where})` })
    .refine((value) => !/^[xX-]+$/.test(value), { error: `${what} is the documentation's placeholder (XXXX-…): paste your own id (${where})` })
    .refine((value) => !/[/?#%\\]/.test(value), { error: `${what} contains / ? # % or \\, which no id has: paste only the id, not a URL (${where})` });

const secret = (what: string) =>
  z
    .string({ error: `${what} is required` })
    .trim()
    .min(1, { error: `${what} is required (Reverb admin → Website settings → API)` });

const attributeName = (fallback: string) => z.string().trim().min(1, { error: "The note attribute name cannot be empty" }).default(fallback);

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
  /**
   * The page defines the subtotal as "before discounts and taxes" (docs/partners/reverb.md):
   * for a shop whose prices include tax we take the tax out. A merchant whose Reverb
   * programme computes commissions on tax-inclusive amounts turns this on. Absent: off.
   */
  subtotalIncludesTax: z.boolean().optional(),
});
export type ReverbConfig = z.infer<typeof reverbConfigSchema>;

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
  /** "required if conversion action was a referred purchase" (docs/partners/reverb.md): an order the referrer made. */
  referrer_order_uuid?: string;
  referred_level?: number;
  qualified_amount?: number;
  share_code?: string;
  reward_amount?: string;
  incentive_amount?: string;
  is_qualified_for_reward?: 0 | 1;
}

// ---- Responses.

export const reverbCustomerSchema = z.looseObject({
  uuid: z.string().min(1),
  email: z.string().optional(),
  first_name: z.string().nullish(),
  last_name: z.string().nullish(),
});
export type ReverbCustomer = z.infer<typeof reverbCustomerSchema>;

export const reverbCustomerDataSchema = z.object({ customer: reverbCustomerSchema });

/** A value the pages print as a string that may come as a number: read as text, null when absent. */
const lenientText = z
  .union([z.string(), z.number(), z.null()])
  .optional()
  .transform((value) => (value === null || value === undefined ? null : String(value)));

/** Reverb's order as GET /orders/{order_uuid} answers it; every field read leniently. */
export const reverbOrderSchema = z.looseObject({
  order_number: lenientText,
  subtotal: lenientText,
  customer_uuid: lenientText,
  customer_email: lenientText,
  coupon_used: lenientText,
  order_items: z.array(z.looseObject({})).nullish(),
});
export type ReverbOrder = z.infer<typeof reverbOrderSchema> & { order_uuid: string };

/** The id fields an order may carry, the documented one first (docs/partners/reverb.md). */
const ORDER_ID_FIELDS = ["order_uuid", "uuid", "id"] as const;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** An id as text: a non-empty string, or a whole number JSON could carry exactly (a rounded id would name another order). */
function idText(value: unknown): string | null {
  if (typeof value === "string") return value.trim() === "" ? null : value.trim();
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return String(value);
  return null;
}

/**
 * The order record inside an answer: the envelope's `data.order` (an object or a
 * one-element array [doc]), the same without the envelope, or an order at the top.
 * Null when there is none, or when an array holds several (which one is ours?).
 */
export function findOrderRecord(body: unknown): Record<string, unknown> | null {
  let node: unknown = body;
  if (isPlainObject(node) && isPlainObject(node.response)) node = node.response;
  if (isPlainObject(node) && "data" in node && !ORDER_ID_FIELDS.some((field) => field in (node as object))) node = node.data;
  if (isPlainObject(node) && "order" in node) node = node.order;
  if (Array.isArray(node)) node = node.length === 1 ? node[0] : null;
  return isPlainObject(node) ? node : null;
}

/**
 * The order's id, read leniently: `order_uuid`, else `uuid`, else `id`; text or a
 * whole number; null when no field holds one (then the order exists at Reverb
 * without our knowing its id: never POST it again).
 */
export function readOrderId(body: unknown): string | null {
  const order = findOrderRecord(body);
  if (!order) return null;
  for (const field of ORDER_ID_FIELDS) {
    const id = idText(order[field]);
    if (id !== null) return id;
  }
  return null;
}

/** `data.order` is an object in some answers and a one-element array in others [doc]. */
export const reverbOrderDataSchema = z.unknown().transform((data, ctx) => {
  const record = findOrderRecord(data);
  const orderUuid = readOrderId(data);
  const parsed = record ? reverbOrderSchema.safeParse(record) : null;
  if (!parsed?.success || orderUuid === null) {
    ctx.addIssue({ code: "custom", message: "the answer carries no order with an id" });
    return z.NEVER;
  }
  return { ...parsed.data, order_uuid: orderUuid } as ReverbOrder;
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
