// TestFreaks (review collection): the merchant's settings and the Orders API
// bodies (docs/partners/testfreaks.md; docs/partners/testfreaks.md "TestFreaks").
import { z } from "zod";

/** The merchant's TestFreaks settings. The CLI's config file and the admin form both parse with this. */
// Refuse only what is certainly wrong, per field and saying why [ours]: the `sk_` of the
// documents' one example (`curl -u "sk_token:"`) is no rule a key is known to follow,
// so no prefix is checked; whitespace inside, or a length no key or id has, is a
// paste gone wrong.
const MAX_SETTING_LENGTH = 256;
const tooLong = (what: string) => ({ error: `That is longer than any TestFreaks ${what} (over ${MAX_SETTING_LENGTH} characters): paste the ${what} alone.`, abort: true });

export const testfreaksConfigSchema = z.object({
  apiKey: z
    .string({ error: "Enter your TestFreaks API key." })
    .trim()
    .min(1, { error: "Enter your TestFreaks API key.", abort: true })
    .max(MAX_SETTING_LENGTH, tooLong("API key"))
    .regex(/^\S+$/, { error: "A TestFreaks API key has no spaces or line breaks inside: paste the key alone." }),
  // Sent as `client_id` on every call, e.g. "example.com" in the docs.
  clientId: z
    .string({ error: "Enter your TestFreaks client id." })
    .trim()
    .min(1, { error: "Enter your TestFreaks client id (the identifier of your client configuration, e.g. example.com).", abort: true })
    .max(MAX_SETTING_LENGTH, tooLong("client id"))
    .regex(/^\S+$/, { error: "The TestFreaks client id has no spaces (e.g. example.com)." }),
  itemIdSource: z.enum(["sku", "variant_id"], { error: "Choose how products are identified at TestFreaks: by SKU or by variant id." }).default("sku"),
  orderIdSource: z.enum(["name", "id"], { error: "Choose which order number TestFreaks sees: the order name (#1001) or the Shopify order id." }).default("name"),
});
export type TestfreaksConfig = z.infer<typeof testfreaksConfigSchema>;

const YMD = /^\d{4}-\d{2}-\d{2}$/;

export const testfreaksOrderItemSchema = z.object({
  /** The product SKU (or our fallback id); matched against the merchant's product feed. */
  id: z.string().min(1),
  /** YYYY-MM-DD; without it the item gets no review invitation. */
  delivery_date: z.string().regex(YMD).optional(),
  reviewable: z.boolean().optional(),
  family_id: z.string().optional(),
  name: z.string().optional(),
  category: z.string().optional(),
  url: z.string().optional(),
  image_url: z.string().optional(),
  properties: z.record(z.string(), z.string()).optional(),
});
export type TestfreaksOrderItem = z.infer<typeof testfreaksOrderItemSchema>;

export const testfreaksCustomerSchema = z.object({
  id: z.string().min(1),
  name: z.string().optional(),
  email: z.string().optional(),
});
export type TestfreaksCustomer = z.infer<typeof testfreaksCustomerSchema>;

/** Body of `POST /v1/orders?client_id=`: creates or updates by `order.id`. */
export const testfreaksOrderRequestSchema = z.object({
  order: z.object({
    id: z.string().min(1),
    customer: testfreaksCustomerSchema,
    items: z.array(testfreaksOrderItemSchema),
  }),
});
export type TestfreaksOrderRequest = z.infer<typeof testfreaksOrderRequestSchema>;

// Answers: only the documented fields are read ("Do not rely on fields not documented").
// Nullable where the examples show null (`image_url: null`) or where a field may be absent.
const nullableString = z.string().nullish();

export const testfreaksOrderItemRecordSchema = z.object({
  id: z.string(),
  family_id: nullableString,
  name: nullableString,
  category: nullableString,
  delivery_date: nullableString,
  url: nullableString,
  image_url: nullableString,
  deleted: z.boolean().nullish(),
  reviewable: z.boolean().nullish(),
  properties: z.record(z.string(), z.unknown()).nullish(),
  created_at: nullableString,
  updated_at: nullableString,
});

export const testfreaksOrderRecordSchema = z.object({
  id: z.string(),
  created_at: nullableString,
  updated_at: nullableString,
  customer: z
    .object({
      id: z.string(),
      name: nullableString,
      email: nullableString,
      opt_out: z.boolean().nullish(),
    })
    .nullish(),
  items: z.array(testfreaksOrderItemRecordSchema).nullish(),
});
export type TestfreaksOrderRecord = z.infer<typeof testfreaksOrderRecordSchema>;

/** "If .errors is set, it's a list of errors": the element shape is not documented, so keep it open. */
export const testfreaksErrorsSchema = z.array(z.unknown());

/**
 * Answer of `POST /v1/orders` and `GET /v1/orders/{id}`. The docs show `data` as
 * a one-element list for the POST and as an object for the GET: accept both.
 */
export const testfreaksOrderResponseSchema = z.object({
  data: z.union([testfreaksOrderRecordSchema, z.array(testfreaksOrderRecordSchema)]).nullish(),
  errors: testfreaksErrorsSchema.nullish(),
});

/** Answer of `GET /v1/orders`: a page of orders; `links.next` when more pages exist. */
export const testfreaksOrderListResponseSchema = z.object({
  data: z.array(testfreaksOrderRecordSchema).nullish(),
  links: z.object({ next: z.string().nullish() }).nullish(),
  errors: testfreaksErrorsSchema.nullish(),
});
