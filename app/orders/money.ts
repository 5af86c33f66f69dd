// Decimal money arithmetic on integer minor units (bigint), so "0.1 + 0.2" style
// float drift can never reach a partner. Shopify sends amounts as decimal
// strings ("643.32"); everything here takes and returns such strings.

/** A plain decimal: optional minus, digits, optional fraction. No exponent, no "+". */
export const DECIMAL_PATTERN = /^-?\d+(\.\d+)?$/;

/** Partners want two decimals ("23.50", docs/partners/README.md); a currency Shopify sends with more keeps them. */
const MIN_FRACTION_DIGITS = 2;

export function isDecimalString(text: string): boolean {
  return DECIMAL_PATTERN.test(text);
}

function fractionDigits(amount: string): number {
  const dot = amount.indexOf(".");
  return dot === -1 ? 0 : amount.length - dot - 1;
}

/** How many fraction digits a result built from these amounts should carry: at least two. */
export function scaleOf(...amounts: string[]): number {
  return Math.max(MIN_FRACTION_DIGITS, ...amounts.map(fractionDigits));
}

/** "12.5" at scale 2 -> 1250n. Throws when the text is not a decimal or has more digits than the scale. */
export function toMinorUnits(amount: string, scale: number): bigint {
  if (!isDecimalString(amount)) throw new Error(`not a decimal amount: ${JSON.stringify(amount)}`);
  const digits = fractionDigits(amount);
  if (digits > scale) throw new Error(`${amount} has more than ${scale} fraction digits`);
  const negative = amount.startsWith("-");
  const [whole = "0", fraction = ""] = amount.replace("-", "").split(".");
  const units = BigInt(whole + fraction.padEnd(scale, "0"));
  return negative ? -units : units;
}

/** 1250n at scale 2 -> "12.50". */
export function fromMinorUnits(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, "0");
  const whole = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale);
  const body = scale === 0 ? whole : `${whole}.${fraction}`;
  return negative ? `-${body}` : body;
}

/** "5" -> "5.00", "19.9" -> "19.90", "1.234" -> "1.234". */
export function formatAmount(amount: string): string {
  const scale = scaleOf(amount);
  return fromMinorUnits(toMinorUnits(amount, scale), scale);
}

/** Exact sum of decimal amounts, at the widest scale among them (at least two digits). */
export function sumAmounts(amounts: readonly string[]): string {
  const scale = scaleOf(...amounts);
  const total = amounts.reduce((sum, amount) => sum + toMinorUnits(amount, scale), 0n);
  return fromMinorUnits(total, scale);
}

/** numerator / denominator rounded half away from zero (half-up for the positive amounts money has). */
function divideRoundingHalfUp(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) throw new Error("divide by a positive number only");
  const negative = numerator < 0n;
  const magnitude = negative ? -numerator : numerator;
  const quotient = (magnitude * 2n + denominator) / (denominator * 2n);
  return negative ? -quotient : quotient;
}

/**
 * The price of one unit once the line's discount allocations are taken off:
 * (unit price * quantity - sum of allocations) / quantity, rounded half-up to
 * the amounts' scale (two decimals for every currency Shopify sends that way).
 * Allocations are for the whole line, so a 3-unit line with a 10.00 allocation
 * gives each unit 3.33 off. A zero-quantity line (removed by an order edit)
 * has nothing to spread the allocation over and keeps its unit price.
 */
export function unitPriceAfterAllocations(unitPrice: string, quantity: number, allocations: readonly string[]): string {
  if (!Number.isInteger(quantity) || quantity < 0) throw new Error(`quantity must be a whole number >= 0, got ${quantity}`);
  const scale = scaleOf(unitPrice, ...allocations);
  if (quantity === 0) return fromMinorUnits(toMinorUnits(unitPrice, scale), scale);
  const lineTotal = toMinorUnits(unitPrice, scale) * BigInt(quantity);
  const discount = allocations.reduce((sum, amount) => sum + toMinorUnits(amount, scale), 0n);
  return fromMinorUnits(divideRoundingHalfUp(lineTotal - discount, BigInt(quantity)), scale);
}
