// Reading a webhook body into the snapshot, or into the fulfillment or refund
// it carries, with zod's issues reworded for an operator.
import type { z } from "zod";
import type { CanonicalRefund } from "./canonical";
import type { OrderSnapshot, SnapshotFulfillment } from "./snapshot";
import { shopifyFulfillmentWebhookSchema, shopifyOrderWebhookSchema, shopifyRefundWebhookSchema } from "./webhook-schema";

export type ExtractResult<T> = ({ ok: true } & T) | { ok: false; error: string };

/**
 * The snapshot of an orders/* webhook body (already parsed with
 * parseJsonLossless), or an error naming each bad field in plain words,
 * e.g. "line_items.0.quantity: expected a number".
 */
export function extractOrderSnapshot(body: unknown): ExtractResult<{ snapshot: OrderSnapshot }> {
  const result = shopifyOrderWebhookSchema.safeParse(body, { error: plainIssueMessage });
  return result.success ? { ok: true, snapshot: result.data } : { ok: false, error: describeIssues(result.error) };
}

/** The fulfillment of a fulfillments/create or fulfillments/update body, with the order it belongs to. */
export function extractFulfillment(body: unknown): ExtractResult<{ orderId: string; fulfillment: SnapshotFulfillment; updatedAt: string }> {
  const result = shopifyFulfillmentWebhookSchema.safeParse(body, { error: plainIssueMessage });
  if (!result.success) return { ok: false, error: describeIssues(result.error) };
  const { orderId, fulfillment } = result.data;
  return { ok: true, orderId, fulfillment, updatedAt: fulfillment.updatedAt };
}

/** The refund of a refunds/create body, with the order it belongs to. */
export function extractRefund(body: unknown): ExtractResult<{ orderId: string; refund: CanonicalRefund }> {
  const result = shopifyRefundWebhookSchema.safeParse(body, { error: plainIssueMessage });
  return result.success ? { ok: true, ...result.data } : { ok: false, error: describeIssues(result.error) };
}

const TYPE_WORDS: Record<string, string> = {
  number: "a number",
  string: "a string",
  boolean: "true or false",
  array: "an array (a list)",
  object: "an object",
  int: "a whole number",
};

/** zod's default messages ("Invalid input: expected number, received string") reworded for an operator. */
function plainIssueMessage(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code === "invalid_type") {
    if (issue.input === undefined) return "is required";
    if (issue.input === null) return `must not be null (expected ${TYPE_WORDS[issue.expected] ?? issue.expected})`;
    return `expected ${TYPE_WORDS[issue.expected] ?? issue.expected}`;
  }
  if (issue.code === "too_small" && issue.origin === "number") return `must be at least ${String(issue.minimum)}`;
  return undefined;
}

const MAX_ISSUES_SHOWN = 8;

function describeIssues(error: z.ZodError): string {
  const lines = error.issues.map((issue) => {
    const where = issue.path.length ? issue.path.map(String).join(".") : "body";
    return `${where}: ${issue.message}`;
  });
  const shown = lines.slice(0, MAX_ISSUES_SHOWN).join("; ");
  return lines.length > MAX_ISSUES_SHOWN ? `${shown}; and ${lines.length - MAX_ISSUES_SHOWN} more` : shown;
}
