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
 * The native JSON.parse reads the body first, several times cheaper than a
 * lossless parse on the webhook path; only when what it gave holds an integer
 * outside the safe range (one it has rounded: every literal above 2^53 parses
 * to such a number) is the text read again by lossless-json. Looking through
 * the parsed values costs a fifth of a regular-expression scan of the text for
 * 16-digit runs, which this replaced. A key given twice keeps its last value on
 * both paths, as JSON.parse and Shopify's own libraries read it.
 */
export function parseJsonLossless(text: string): unknown {
  let native: unknown;
  try {
    native = JSON.parse(text);
  } catch {
    // Invalid: lossless-json below says where, which JSON.parse does not always.
  }
  if (native !== undefined && !holdsUnsafeInteger(native)) return native;
  try {
    return parse(text, null, { parseNumber: parseNumberKeepingBigIntegers, onDuplicateKey: ({ newValue }) => newValue });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InvalidJsonError(`invalid JSON: ${reason}`, { cause: error });
  }
}

/** Whether a parsed value holds a whole number JSON.parse cannot have kept exactly. Iterative: nesting cannot exhaust the stack. */
function holdsUnsafeInteger(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (typeof item === "number") {
      if (Number.isInteger(item) && !Number.isSafeInteger(item)) return true;
    } else if (Array.isArray(item)) {
      for (const element of item) stack.push(element);
    } else if (item !== null && typeof item === "object") {
      for (const key in item) stack.push((item as Record<string, unknown>)[key]);
    }
  }
  return false;
}

function parseNumberKeepingBigIntegers(literal: string): number | string {
  const value = Number(literal);
  // Number.isSafeInteger rather than "round-trips exactly": 2^53 itself and
  // some larger ids happen to be representable, but a number outside the safe
  // range is indistinguishable from a rounded one, so callers could not trust it.
  if (isInteger(literal) && !Number.isSafeInteger(value)) return literal;
  return value;
}
