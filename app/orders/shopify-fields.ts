// The field-level readers of Shopify's order webhooks (ids, GIDs, text,
// timestamps, amounts, money sets, lists), each normalising to what the stored
// snapshot (./snapshot.ts) holds.
//
// Bodies must be parsed with parseJsonLossless (./json.ts): JSON.parse rounds
// ids above 2^53. Where a rounded id could still arrive, the schema prefers the
// exact digits of admin_graphql_api_id and otherwise refuses an id that is not
// a safe integer instead of storing a wrong one.
import { z } from "zod";
import { isDecimalString } from "./money";
import type { MoneyPair } from "./canonical";

export type Issues = z.core.$ZodRawIssue[];

/** A schema-level message that still lets a missing field read "is required". */
function unlessMissing(message: string) {
  return (issue: { input?: unknown }) => (issue.input === undefined ? "is required" : message);
}

// Shopify sends ids as JSON numbers; parseJsonLossless turns the big ones into
// digit strings. Any whole number is accepted here, even one past 2^53: the
// object's GID may still give the exact id (resolveId); idToString refuses it otherwise.
export const idInput = z.union([z.string().regex(/^\d+$/), z.number().refine((n) => Number.isInteger(n) && n >= 0)], {
  error: unlessMissing("expected an id (a whole number, or a string of digits)"),
});
type IdInput = z.infer<typeof idInput>;

export const gidInput = z
  .string()
  .regex(/^gid:\/\/shopify\/\w+\/\d+$/, { error: "expected a Shopify GID like gid://shopify/Order/123" })
  .nullish();

export function gidDigits(gid: string | null | undefined): string | null {
  return gid ? gid.slice(gid.lastIndexOf("/") + 1) : null;
}

/**
 * The id as a decimal string. A number outside the safe-integer range has
 * already been rounded by whoever parsed the body, so it is refused.
 */
export function idToString(id: IdInput, issues: Issues, path: PropertyKey[]): string {
  if (typeof id === "number" && !Number.isSafeInteger(id)) {
    issues.push({
      code: "custom",
      input: id,
      path,
      message: "id above 2^53 arrived as a rounded number; parse the body with parseJsonLossless",
    });
  }
  return String(id);
}

/** The exact id of an object: the digits of admin_graphql_api_id when present, else `id`. */
export function resolveId(raw: { id?: IdInput | null | undefined; admin_graphql_api_id?: string | null | undefined }, issues: Issues): string {
  const fromGid = gidDigits(raw.admin_graphql_api_id);
  if (fromGid) return fromGid;
  if (raw.id == null) {
    issues.push({ code: "custom", input: raw.id, path: ["id"], message: "is required" });
    return "";
  }
  return idToString(raw.id, issues, ["id"]);
}

export const optionalId = idInput.nullish().transform((id, ctx) => (id == null ? null : idToString(id, ctx.issues, [])));

/** Free text where Shopify uses "" and null alike for "none": trimmed, blank -> null. */
export const optionalText = z
  .string()
  .nullish()
  .transform((text) => {
    const trimmed = text?.trim();
    return trimmed ? trimmed : null;
  });

// With a zone (Shopify always sends one), so no machine's local time zone can shift it.
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

export const timestamp = z
  .string()
  .refine((text) => ISO_TIMESTAMP.test(text) && !Number.isNaN(Date.parse(text)), {
    error: "expected an ISO 8601 timestamp with a zone, like 2024-02-02T15:57:33-05:00",
  })
  .transform((text) => new Date(text).toISOString());

export const amount = z
  .union([z.string(), z.number()], { error: unlessMissing("expected an amount (a decimal string)") })
  .transform((value) => String(value))
  .refine(isDecimalString, { error: 'expected an amount like "12.50"' });

export const currencyCode = z.string().regex(/^[A-Z]{3}$/, { error: 'expected an ISO 4217 currency code like "EUR"' });

const moneyInput = z.object({ amount, currency_code: currencyCode });
export const moneySetInput = z
  .object({ shop_money: moneyInput, presentment_money: moneyInput })
  .nullish()
  .transform((set) =>
    set
      ? {
          shop: { amount: set.shop_money.amount, currency: set.shop_money.currency_code },
          presentment: { amount: set.presentment_money.amount, currency: set.presentment_money.currency_code },
        }
      : null,
  );

/**
 * Shopify's *_set when present; otherwise (older payloads) the plain amount,
 * which is in the shop currency, stands for both sides: the presentment side
 * then honestly says the shop currency rather than pairing a shop amount with
 * the buyer's currency.
 */
export function moneyOrFallback(set: MoneyPair | null, plain: string, shopCurrency: string): MoneyPair {
  return set ?? { shop: { amount: plain, currency: shopCurrency }, presentment: { amount: plain, currency: shopCurrency } };
}

/** Line property / note attribute values are strings in practice; tolerate numbers, booleans and null. */
const attributeValue = z
  .union([z.string(), z.number(), z.boolean(), z.null()], { error: unlessMissing("expected a text value") })
  .optional()
  .transform((value) => (value == null ? "" : String(value)));

export const nameValueList = z
  .array(z.object({ name: z.union([z.string(), z.number()]).transform(String), value: attributeValue }))
  .nullish()
  .transform((list) => list ?? []);

export function listOf<T extends z.ZodType>(item: T) {
  return z
    .array(item)
    .nullish()
    .transform((list): z.output<T>[] => list ?? []);
}

export const quantity = z.number().int({ error: "expected a whole number" }).nonnegative();
