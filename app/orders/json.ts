import { isInteger, parse } from "lossless-json";

/** The text handed to parseJsonLossless is not valid JSON. */
export class InvalidJsonError extends Error {
  override name = "InvalidJsonError";
}

/**
 * JSON.parse for Shopify bodies. Shopify ids exceed 2^53 and JSON.parse rounds
 * them (820982911946154508 becomes 820982911946154500, docs/architecture.md), so an
 * integer outside Number.isSafeInteger comes back as its decimal string. Every
 * other number is a plain JS number: money arrives as strings anyway, and a
 * float losing its last digit (8.561999799999999) is harmless.
 */
export function parseJsonLossless(text: string): unknown {
  try {
    return parse(text, null, parseNumberKeepingBigIntegers);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InvalidJsonError(`invalid JSON: ${reason}`, { cause: error });
  }
}

function parseNumberKeepingBigIntegers(literal: string): number | string {
  const value = Number(literal);
  // Number.isSafeInteger rather than "round-trips exactly": 2^53 itself and
  // some larger ids happen to be representable, but a number outside the safe
  // range is indistinguishable from a rounded one, so callers could not trust it.
  if (isInteger(literal) && !Number.isSafeInteger(value)) return literal;
  return value;
}
