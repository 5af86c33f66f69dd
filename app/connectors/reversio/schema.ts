// Revers.io settings and the provider's own request/response shapes
// (docs/partners/reversio.md [doc], docs/partners/reversio.md "Revers.io" [pub]/[ours]).
import { z } from "zod";

/**
 * The merchant's Revers.io settings. `subscriptionKey` and `secretValue` are
 * secrets (the connector's secretKeys); the rest are plain settings.
 */
// Refuse only what is certainly wrong, per field and saying why [ours]: the documents
// show no key or secret, so no shape or prefix is checked; whitespace inside, or a
// length no credential has, is a paste gone wrong (a sentence, two values, a file).
const MAX_CREDENTIAL_LENGTH = 256;

function credential(name: string) {
  const required = `Enter your Revers.io ${name}.`;
  return z
    .string({ error: required })
    .trim()
    .min(1, { error: required, abort: true })
    .max(MAX_CREDENTIAL_LENGTH, { error: `That is longer than any Revers.io ${name} (over ${MAX_CREDENTIAL_LENGTH} characters): paste the ${name} alone.`, abort: true })
    .regex(/^\S+$/, { error: `A Revers.io ${name} has no spaces or line breaks inside: paste the ${name} alone.` });
}

/** A Revers.io id (a uuid [doc]) pasted from the merchant's account; spaces around it are dropped. */
function reversioId(what: string) {
  return z.preprocess((value) => (typeof value === "string" ? value.trim() : value), z.guid(`Paste the ${what} from your Revers.io account: a uuid such as 3f2b8c1e-5d4a-4e6f-9a7b-1c2d3e4f5a6b.`));
}

/**
 * The merchant's Revers.io settings. `subscriptionKey` and `secretValue` are
 * secrets (the connector's secretKeys); the rest are plain settings.
 */
export const reversioConfigSchema = z.object({
  subscriptionKey: credential("subscription key"),
  secretValue: credential("secret value"),
  environment: z.enum(["production", "sandbox"], { error: "Choose production or sandbox." }).default("production"),
  salesChannel: z
    .string()
    .trim()
    .min(1, "Enter the sales channel name your orders are filed under in Revers.io (e.g. Shopify).")
    .max(200, "Keep the sales channel name under 200 characters: it is a name, e.g. Shopify.")
    .default("Shopify"),
  /** The Revers.io store the orders are recorded as bought at (a uuid from the merchant's Revers.io account). */
  storePurchasedAt: reversioId("store id").optional(),
  /** When an order is imported: as soon as it is created, or once it is fulfilled [ours, default fulfilled]. */
  importTrigger: z.enum(["created", "fulfilled"], { error: "Choose when orders are imported: when created or when fulfilled." }).default("fulfilled"),
  /** The Revers.io model type given to models the app creates for unknown SKUs. */
  modelTypeId: reversioId("model type id (Catalog, model types)").optional(),
  /** Create a Revers.io model (and its brand) for a SKU the catalog does not know, instead of skipping the order. */
  createMissingModels: z.boolean().default(false),
});
export type ReversioConfig = z.output<typeof reversioConfigSchema>;

export const REVERSIO_CURRENCIES = ["EUR", "GBP"] as const;
export type ReversioCurrency = (typeof REVERSIO_CURRENCIES)[number];

export function isReversioCurrency(code: string): code is ReversioCurrency {
  return (REVERSIO_CURRENCIES as readonly string[]).includes(code);
}

// ---- ImportOrder: PUT /orders [doc] ----

export const reversioPriceSchema = z.object({
  amount: z.number().nonnegative(),
  /** EUR or GBP only [doc]. */
  currency: z.enum(REVERSIO_CURRENCIES),
});
export type ReversioPrice = z.infer<typeof reversioPriceSchema>;

export const reversioAddressSchema = z.object({
  companyName: z.string().optional(),
  streetAddress: z.string().optional(),
  additionalAddress: z.string().optional(),
  doorCode: z.string().optional(),
  floor: z.string().optional(),
  zipCode: z.string().optional(),
  city: z.string().optional(),
  countryCode: z.string().optional(),
  phone: z.string().optional(),
});
export type ReversioAddress = z.infer<typeof reversioAddressSchema>;

export const reversioImportOrderProductSchema = z.object({
  modelId: z.guid(),
  price: reversioPriceSchema,
  orderLineReference: z.string().min(1),
  supplierId: z.guid().optional(),
});

/** The ImportOrder body [doc]. */
export const reversioImportOrderRequestSchema = z.object({
  orderReference: z.string().min(1),
  civility: z.enum(["NotSet", "Mr", "Mrs"]),
  customerLastName: z.string().optional(),
  customerFirstName: z.string().optional(),
  address: reversioAddressSchema.optional(),
  phoneNumber: z.string().optional(),
  customerMail: z.string().optional(),
  purchaseDateUtc: z.iso.datetime({ offset: true }),
  /** One entry per unit: the API has no quantity [pub]. */
  products: z.array(reversioImportOrderProductSchema).min(1),
  shippingPrice: reversioPriceSchema,
  salesChannel: z.string().min(1),
  storePurchasedAt: z.guid().optional(),
});
export type ReversioImportOrderRequest = z.infer<typeof reversioImportOrderRequestSchema>;

// ---- The common answer envelope [doc] ----

export const reversioErrorSchema = z.looseObject({
  subject: z.string().nullish(),
  code: z.string().nullish(),
  message: z.string().nullish(),
  developerMessage: z.string().nullish(),
  moreInfo: z.string().nullish(),
  field: z.string().nullish(),
  index: z.number().nullish(),
  isWarning: z.boolean().nullish(),
  extraData: z.string().nullish(),
});

/** `{value, errors, failure, isHandledError, hasWarnings, isNotFound, pagination}` around any value. */
export function reversioResponseSchema<Value extends z.ZodType>(value: Value) {
  return z.looseObject({
    value: value.nullish(),
    errors: z.array(reversioErrorSchema).nullish(),
    isHandledError: z.boolean().nullish(),
    failure: z.boolean().nullish(),
    hasWarnings: z.boolean().nullish(),
    isNotFound: z.boolean().nullish(),
    pagination: z.looseObject({}).nullish(),
  });
}

/** GET /token answers the JWT in `value` [pub]. */
export const reversioTokenResponseSchema = reversioResponseSchema(z.string());

/** PUT /orders answers the order's uuid in `value` [doc]. */
export const reversioImportOrderResponseSchema = reversioResponseSchema(z.string());

/**
 * GET /orders/{orderReference}/status [pub]. Revers.io's own store plugin reads
 * `orderLines[].hasOpenFile / isOpenForClaims`; the order's uuid is read when present.
 */
export const reversioOrderStatusSchema = z.looseObject({
  orderId: z.string().nullish(),
  id: z.string().nullish(),
  orderReference: z.string().nullish(),
  orderLines: z.array(z.looseObject({})).nullish(),
});
export type ReversioOrderStatus = z.infer<typeof reversioOrderStatusSchema>;
export const reversioOrderStatusResponseSchema = reversioResponseSchema(reversioOrderStatusSchema);

// ---- Catalog [pub] ----

export const reversioModelSchema = z.looseObject({
  id: z.string(),
  sKU: z.string().nullish(),
  label: z.string().nullish(),
  brandId: z.string().nullish(),
  modelTypeId: z.string().nullish(),
});
export type ReversioModel = z.infer<typeof reversioModelSchema>;
export const reversioModelResponseSchema = reversioResponseSchema(reversioModelSchema);

/**
 * What a model says about the after-sales it allows. Revers.io's Magento module
 * sends these six with every model it creates [pub]; no document says what each
 * one means or what an absent one defaults to.
 */
export interface ReversioModelFlags {
  isReturnable: boolean;
  isRepairable: boolean;
  isTransportable: boolean;
  isSerializable: boolean;
  isOnSiteInterventionPossible: boolean;
  isCumbersome: boolean;
}

export interface ReversioCreateModelRequest {
  brandId: string;
  modelTypeId: string;
  label: string;
  sKU: string;
  eANs: string[];
  photoUrl?: string;
  additionalInformation: ReversioModelFlags;
  /** The condition the product is sold in; the Magento module sends "New" [pub]. */
  state: "New";
}

export const reversioBrandSchema = z.looseObject({ id: z.string(), name: z.string().nullish() });
export type ReversioBrand = z.infer<typeof reversioBrandSchema>;
export const reversioBrandResponseSchema = reversioResponseSchema(reversioBrandSchema);
export const reversioBrandListResponseSchema = reversioResponseSchema(z.array(reversioBrandSchema));

export const reversioModelTypeSchema = z.looseObject({ id: z.string(), key: z.string().nullish(), label: z.string().nullish(), name: z.string().nullish() });
export type ReversioModelType = z.infer<typeof reversioModelTypeSchema>;
export const reversioModelTypeListResponseSchema = reversioResponseSchema(z.array(reversioModelTypeSchema));
