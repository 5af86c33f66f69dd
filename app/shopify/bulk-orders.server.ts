// A shop's order history through an Admin GraphQL bulk operation, for backfills
// (app/sync/backfill.server.ts): start the export, follow it, and read Shopify's
// JSONL file as a stream, one order at a time, however many orders it holds.
//
// Shopify's bulk format (shopify.dev, "Perform bulk operations with the GraphQL
// Admin API"): one JSON object per line; the nodes of a nested connection are
// lines of their own naming their parent in `__parentId` (an order's line items
// name the order; a fulfillment's lines name the fulfillment, which sits in the
// order's own line because `fulfillments` is a list, not a connection). With
// `groupObjects: true` each object's children follow it directly, so an order
// is complete when the next order's line arrives and nothing else need be held.
// Since API version 2026-01 grouping is off unless asked for: we ask for it, and
// refuse a file whose children are not under the order before them.
//
// The fields are those of ORDER_FOR_SYNC_QUERY (app/shopify/order-query.ts),
// which the admin's resync reads, rewritten into a bulk query: a reassembled
// order is the same object that query answers, and is turned into the webhook's
// shape by the same code. Bulk queries take no pagination arguments on nested
// connections, and allow at most five connections two levels deep: orders,
// lineItems, fulfillmentLineItems and refundLineItems are four.
import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import { z } from "zod";
import { ShopifyError } from "~/connectors/errors";
import type { ShopifyGraphql } from "./admin-graphql.server";
import { graphqlData } from "./graphql-errors";
import { ORDER_SELECTION } from "./order-query";
import { gidDigits, graphqlOrderToWebhookShape, parseGraphqlOrder } from "./order-translate";

function matchingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === "{") depth++;
    else if (text[i] === "}" && --depth === 0) return i;
  }
  throw new Error("unbalanced braces in the order query");
}

/**
 * ORDER_FOR_SYNC_QUERY's selection in the form a bulk query takes: no
 * pagination arguments, no pageInfo, and each connection's `nodes { … }` as
 * `edges { node { … } }`. Derived, not copied, so the two reads cannot drift apart.
 */
export function bulkOrderSelection(): string {
  let text = ORDER_SELECTION.replace(/\(first:\s*\d+\)/g, "").replace(/pageInfo\s*\{\s*hasNextPage\s*\}/g, "");
  for (let at = text.search(/\bnodes\s*\{/); at >= 0; at = text.search(/\bnodes\s*\{/)) {
    const open = text.indexOf("{", at);
    const close = matchingBrace(text, open);
    text = `${text.slice(0, at)}edges { node {${text.slice(open + 1, close)}} }${text.slice(close + 1)}`;
  }
  return text;
}

/** Shopify's search syntax wants the bound quoted; whole seconds, UTC. */
const searchTime = (at: Date) => at.toISOString().replace(/\.\d{3}Z$/, "Z");

/** The bulk query: every order created since `since`, with what the snapshot keeps. */
export function bulkOrdersQuery(since: Date): string {
  return `{
  orders(query: "created_at:>='${searchTime(since)}'", sortKey: CREATED_AT) {
    edges {
      node {${bulkOrderSelection()}}
    }
  }
}`;
}

const RUN_MUTATION = `#graphql
mutation RunOrdersExport($query: String!) {
  bulkOperationRunQuery(query: $query, groupObjects: true) {
    bulkOperation { id status }
    userErrors { field message code }
  }
}`;

const OPERATION_FIELDS = `id status errorCode objectCount rootObjectCount fileSize url partialDataUrl createdAt completedAt query`;

const READ_QUERY = `#graphql
query BulkOperationState($id: ID!) {
  node(id: $id) { ... on BulkOperation { ${OPERATION_FIELDS} } }
}`;

const CURRENT_QUERY = `#graphql
query CurrentBulkOperation { currentBulkOperation(type: QUERY) { ${OPERATION_FIELDS} } }`;

const CANCEL_MUTATION = `#graphql
mutation CancelBulkOperation($id: ID!) {
  bulkOperationCancel(id: $id) { bulkOperation { id status } userErrors { field message } }
}`;

const operationSchema = z.object({
  id: z.string(),
  status: z.enum(["CREATED", "RUNNING", "COMPLETED", "CANCELING", "CANCELED", "FAILED", "EXPIRED"]),
  errorCode: z.string().nullish(),
  // UnsignedInt64 comes as a string.
  objectCount: z.coerce.number().nullish(),
  rootObjectCount: z.coerce.number().nullish(),
  url: z.string().nullish(),
  query: z.string().nullish(),
});
export type BulkOperationState = z.infer<typeof operationSchema>;

const userErrors = z.array(z.object({ message: z.string(), code: z.string().nullish() })).default([]);

export type StartExportResult = { ok: true; operation: BulkOperationState } | { ok: false; inProgress: BulkOperationState | null; message: string };

/**
 * Starts the export. Shopify runs one bulk query per shop and app at a time: when
 * one is running, answers it (the caller adopts it when it is our own export,
 * e.g. started just before a restart, else waits for it).
 */
export async function startOrdersExport(graphql: ShopifyGraphql, since: Date): Promise<StartExportResult> {
  const data = graphqlData(await graphql(RUN_MUTATION, { query: bulkOrdersQuery(since) }));
  const payload = z.object({ bulkOperation: z.object({ id: z.string(), status: z.string() }).nullish(), userErrors }).parse(data.bulkOperationRunQuery);
  if (payload.bulkOperation && payload.userErrors.length === 0) {
    return { ok: true, operation: { id: payload.bulkOperation.id, status: "CREATED", objectCount: 0, rootObjectCount: 0 } };
  }
  const message = payload.userErrors.map((error) => error.message).join("; ") || "Shopify did not start the export";
  const inProgress = payload.userErrors.some((error) => error.code === "OPERATION_IN_PROGRESS" || /already in progress/i.test(error.message));
  return { ok: false, inProgress: inProgress ? await currentExport(graphql) : null, message };
}

export async function currentExport(graphql: ShopifyGraphql): Promise<BulkOperationState | null> {
  const data = graphqlData(await graphql(CURRENT_QUERY, {}));
  return data.currentBulkOperation ? operationSchema.parse(data.currentBulkOperation) : null;
}

/** The operation's state now; null when Shopify does not know it (another shop's, or expired). */
export async function readExport(graphql: ShopifyGraphql, id: string): Promise<BulkOperationState | null> {
  const data = graphqlData(await graphql(READ_QUERY, { id }));
  return data.node ? operationSchema.parse(data.node) : null;
}

/** Asks Shopify to stop the export; never throws (the backfill is cancelled on our side whatever Shopify says). */
export async function cancelExport(graphql: ShopifyGraphql, id: string): Promise<void> {
  try {
    graphqlData(await graphql(CANCEL_MUTATION, { id }));
  } catch {
    // Already finished, or Shopify unreachable: nothing of ours depends on it.
  }
}

export class BulkFileError extends Error {
  override name = "BulkFileError";
}

/** One order of the file, reassembled, and the number of lines read once it is done (where a resumed read starts). */
export interface BulkOrder {
  node: unknown;
  linesAfter: number;
}

interface Assembly {
  root: Record<string, unknown>;
  lineItems: unknown[];
  fulfillmentLines: Map<string, unknown[]>;
  refundLines: Map<string, unknown[]>;
}

const page = (nodes: unknown[]) => ({ pageInfo: { hasNextPage: false }, nodes });

function assembled(order: Assembly): unknown {
  const list = (value: unknown) => (Array.isArray(value) ? (value as Record<string, unknown>[]) : []);
  return {
    ...order.root,
    lineItems: page(order.lineItems),
    fulfillments: list(order.root.fulfillments).map((f) => ({ ...f, fulfillmentLineItems: page(order.fulfillmentLines.get(String(f.id)) ?? []) })),
    refunds: list(order.root.refunds).map((r) => ({ ...r, refundLineItems: page(order.refundLines.get(String(r.id)) ?? []) })),
  };
}

function startAssembly(root: Record<string, unknown>): Assembly {
  const ids = (value: unknown) => (Array.isArray(value) ? (value as { id?: unknown }[]).map((item) => String(item.id)) : []);
  return {
    root,
    lineItems: [],
    fulfillmentLines: new Map(ids(root.fulfillments).map((id) => [id, []])),
    refundLines: new Map(ids(root.refunds).map((id) => [id, []])),
  };
}

/**
 * Streams the export's orders from `url`, from line `skipLines` on (a resumed
 * read; always an order's first line). Holds one order at a time: the fetch body
 * goes through readline, so memory does not grow with the file.
 */
export async function* readOrdersExport(url: string, { skipLines = 0, fetch: fetchFile = fetch }: { skipLines?: number; fetch?: typeof fetch } = {}): AsyncGenerator<BulkOrder> {
  const response = await fetchFile(url);
  if (!response.ok || !response.body) {
    throw new ShopifyError(
      `Shopify's export file could not be downloaded (HTTP ${response.status})${response.status === 403 || response.status === 404 ? ": it may have expired (Shopify keeps it 7 days)" : ""}`,
      response.status >= 500 ? "retryable" : "permanent",
      response.status,
    );
  }
  const lines = createInterface({ input: Readable.fromWeb(response.body as import("node:stream/web").ReadableStream), crlfDelay: Infinity });
  let lineNumber = 0;
  let current: Assembly | null = null;
  try {
    for await (const text of lines) {
      lineNumber += 1;
      if (lineNumber <= skipLines || text.trim() === "") continue;
      let line: Record<string, unknown>;
      try {
        line = JSON.parse(text) as Record<string, unknown>;
      } catch {
        throw new BulkFileError(`line ${lineNumber} of Shopify's export is not JSON`);
      }
      const parent = typeof line.__parentId === "string" ? line.__parentId : null;
      if (parent === null) {
        if (current) yield { node: assembled(current), linesAfter: lineNumber - 1 };
        current = startAssembly(line);
        continue;
      }
      if (!current) throw new BulkFileError(`line ${lineNumber} of Shopify's export names a parent (${parent}) before any order`);
      const { __parentId: _parent, ...child } = line;
      if (parent === current.root.id) current.lineItems.push(child);
      else if (current.fulfillmentLines.has(parent)) current.fulfillmentLines.get(parent)!.push(child);
      else if (current.refundLines.has(parent)) current.refundLines.get(parent)!.push(child);
      else throw new BulkFileError(`line ${lineNumber} of Shopify's export belongs to ${parent}, not to the order before it: the file is not grouped by order`);
    }
    if (current) yield { node: assembled(current), linesAfter: lineNumber };
  } finally {
    lines.close();
  }
}

export type ExportedOrder = { ok: true; orderId: string; name: string; cancelled: boolean; body: Record<string, unknown> } | { ok: false; name: string; error: string };

/** A reassembled order as the webhook body the inbox takes (the same translation the admin's resync uses). */
export function webhookBodyOfExportedOrder(node: unknown): ExportedOrder {
  const parsed = parseGraphqlOrder(node);
  const name = String((node as { name?: unknown } | null)?.name ?? "an order");
  if (!parsed.ok) return { ok: false, name, error: parsed.error };
  const { order } = parsed;
  return { ok: true, orderId: gidDigits(order.id) ?? order.id, name: order.name, cancelled: Boolean(order.cancelledAt), body: graphqlOrderToWebhookShape(order) };
}
