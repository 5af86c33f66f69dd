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
 *
 * Text where no number starts with 16 digits cannot hold an unsafe integer
 * (every integer of 15 digits or fewer is below 2^53), and most order bodies
 * are such text (long digit runs sit in strings: tracking numbers, tokens):
 * those go to the native JSON.parse, several times cheaper than a lossless
 * parse on the webhook path; the rest to lossless-json. The check looks for 16
 * digits right after what can precede a number (the start, `:`, `,` or `[`, then
 * whitespace), so a number is never missed; the same pattern inside a string
 * only sends the body to the slower parser. A key given twice keeps
 * its last value on both paths, as JSON.parse and Shopify's own libraries read it.
 */
export function parseJsonLossless(text: string): unknown {
  if (!MAY_HOLD_UNSAFE_INTEGER.test(text)) {
    try {
      return JSON.parse(text);
    } catch {
      // Invalid: lossless-json below says where, which JSON.parse does not always.
    }
  }
  try {
    return parse(text, null, { parseNumber: parseNumberKeepingBigIntegers, onDuplicateKey: ({ newValue }) => newValue });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InvalidJsonError(`invalid JSON: ${reason}`, { cause: error });
  }
}

const MAY_HOLD_UNSAFE_INTEGER = /(?:^|[:,[])\s*-?\d{16}/;

function parseNumberKeepingBigIntegers(literal: string): number | string {
  const value = Number(literal);
  // Number.isSafeInteger rather than "round-trips exactly": 2^53 itself and
  // some larger ids happen to be representable, but a number outside the safe
  // range is indistinguishable from a rounded one, so callers could not trust it.
  if (isInteger(literal) && !Number.isSafeInteger(value)) return literal;
  return value;
}
