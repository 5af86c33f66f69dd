// The Admin API stand-in's store history (test/simulators/shopify-admin.ts
// routes to it): orders given from outside the process, the paged `orders`
// connection that reconciliation reads, and bulk operations the way Shopify
// runs them, for backfills.
//
// - POST /_local/orders with an order in the webhook's JSON shape, or
//   {"orders": [...]}: Shopify holds them (a newer updated_at replaces an order).
// - `orders(first, after, sortKey: UPDATED_AT, query: "updated_at:>=…")`: pages in
//   updated_at order, `pageInfo { hasNextPage endCursor }`, at most 250 a page.
// - `bulkOperationRunQuery(query:, groupObjects:)` runs over what the stand-in
//   holds when it is asked: CREATED, then RUNNING while the JSONL file is
//   written (objectCount / rootObjectCount climb), then COMPLETED with `url`,
//   served by a separate file server as Shopify's files come from cloud storage.
//   One bulk query at a time per shop; `currentBulkOperation`, `node(id:)` and
//   `bulkOperationCancel(id:)` answer as Shopify does.
//
// The JSONL is Shopify's bulk format (shopify.dev, "Perform bulk operations with
// the GraphQL Admin API"): one object per line; a nested connection's nodes are
// lines of their own carrying `__parentId`, the id of the object that holds the
// connection (an order's line items name the order, a fulfillment's lines name
// the fulfillment); lists that are not connections (fulfillments, refunds) stay
// inside their parent's line. With `groupObjects: true` each order's children
// follow it directly; without it (the default since 2026-01) the stand-in writes
// every order first and the children after, so a reader relying on grouping fails.
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { once } from "node:events";
import { parse, stringify } from "lossless-json";
import type { AdminOrderNode } from "./shopify-admin";
import type { SimAnswer, SimRequest } from "./server";

export const LOCAL_ORDERS_PATH = "/_local/orders";
/** Shopify's largest page. */
const MAX_PAGE = 250;

export type BulkStatus = "CREATED" | "RUNNING" | "COMPLETED" | "CANCELING" | "CANCELED" | "FAILED";

export interface BulkOperationRecord {
  id: string;
  shop: string;
  query: string;
  groupObjects: boolean;
  status: BulkStatus;
  errorCode: string | null;
  createdAt: string;
  completedAt: string | null;
  objectCount: number;
  rootObjectCount: number;
  fileSize: number | null;
  url: string | null;
}

export interface HistoryKnobs {
  /** Orders written per step of a running operation (each step yields to other requests). */
  bulkOrdersPerStep: number;
  /** While true, a created operation stays CREATED (tests: a restart or cancel mid-export). */
  holdBulk: boolean;
  /** The next bulk operation ends FAILED with this error code (e.g. INTERNAL_SERVER_ERROR). */
  failNextBulk: string | null;
}

export interface OrderHistory {
  operations: Map<string, BulkOperationRecord>;
  knobs: HistoryKnobs;
  /** Holds these orders (webhook JSON bodies, raw text) as Shopify would. */
  load(bodies: string[]): number;
  close(): Promise<void>;
}

export interface OrderHistoryDeps {
  orders: Map<string, AdminOrderNode>;
  /** The stand-in's own translation of a webhook body (shopify-admin.ts orderNodeFromWebhook). */
  toNode(text: string): AdminOrderNode;
}

type GraphqlError = { message: string; extensions?: Record<string, unknown> };

export async function startOrderHistory(deps: OrderHistoryDeps): Promise<OrderHistory & { answer(req: SimRequest, shop: string): SimAnswer | null }> {
  const { orders } = deps;
  const operations = new Map<string, BulkOperationRecord>();
  const knobs: HistoryKnobs = { bulkOrdersPerStep: 500, holdBulk: false, failNextBulk: null };
  const dir = mkdtempSync(path.join(tmpdir(), "shopify-bulk-"));
  let sequence = 0;

  // Shopify's result files come from another host (cloud storage) and need no token.
  const files: Server = createServer((req, res) => {
    const match = /^\/bulk\/(\d+)\.jsonl$/.exec(req.url ?? "");
    const file = match ? path.join(dir, `${match[1]}.jsonl`) : null;
    if (!file || !fileExists(file)) {
      res.writeHead(404, { "content-type": "text/plain" }).end("NoSuchKey");
      return;
    }
    res.writeHead(200, { "content-type": "application/jsonl", "content-length": String(statSync(file).size) });
    createReadStream(file).pipe(res);
  });
  files.listen(0, "127.0.0.1");
  await once(files, "listening");
  const filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;

  const current = (shop: string) => [...operations.values()].filter((op) => op.shop === shop).at(-1) ?? null;

  function load(bodies: string[]): number {
    for (const text of bodies) {
      const node = deps.toNode(text);
      const key = gidDigits(node.id);
      const held = orders.get(key);
      if (!held || Date.parse(node.updatedAt) >= Date.parse(held.updatedAt)) orders.set(key, node);
    }
    return bodies.length;
  }

  async function run(op: BulkOperationRecord) {
    while (knobs.holdBulk && op.status === "CREATED") await new Promise((resolve) => setTimeout(resolve, 20));
    if (op.status !== "CREATED") return;
    op.status = "RUNNING";
    if (knobs.failNextBulk) {
      op.status = "FAILED";
      op.errorCode = knobs.failNextBulk;
      knobs.failNextBulk = null;
      return;
    }
    const filter = orderFilter(op.query);
    const selected = [...orders.values()].filter(filter).sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt) || a.id.localeCompare(b.id));
    const file = path.join(dir, `${gidDigits(op.id)}.jsonl`);
    const out = createWriteStream(file);
    const write = async (line: unknown) => {
      if (!out.write(`${JSON.stringify(line)}\n`)) await once(out, "drain");
      op.objectCount += 1;
    };
    const children: unknown[] = [];
    for (let i = 0; i < selected.length; i++) {
      if (op.status !== "RUNNING") break;
      const [root, ...rest] = bulkLines(selected[i]!);
      await write(root);
      op.rootObjectCount += 1;
      if (op.groupObjects) for (const line of rest) await write(line);
      else children.push(...rest);
      if ((i + 1) % knobs.bulkOrdersPerStep === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    for (const line of children) await write(line);
    out.end();
    await once(out, "close");
    if ((op.status as BulkStatus) === "CANCELING") {
      op.status = "CANCELED";
      return;
    }
    op.status = "COMPLETED";
    op.completedAt = shopifyTime(new Date());
    op.fileSize = statSync(file).size;
    // Shopify answers no url when the query matched nothing.
    op.url = op.objectCount > 0 ? `${filesUrl}/bulk/${gidDigits(op.id)}.jsonl` : null;
  }

  function answer(req: SimRequest, shop: string): SimAnswer | null {
    if (req.method === "POST" && req.path === LOCAL_ORDERS_PATH) return loadRequest(req.rawBody);
    const body = req.body as { query?: unknown; variables?: unknown } | undefined;
    if (typeof body?.query !== "string") return null;
    const query = body.query;
    const variables = (body.variables ?? {}) as Record<string, unknown>;
    const data: Record<string, unknown> = {};
    const errors: GraphqlError[] = [];

    if (/\bbulkOperationRunQuery\s*\(/.test(query)) {
      const inner = typeof variables.query === "string" ? variables.query : (/bulkOperationRunQuery\s*\(\s*query:\s*"""([\s\S]*?)"""/.exec(query)?.[1] ?? null);
      const groupObjects = variables.groupObjects === true || /groupObjects:\s*true/.test(query);
      const running = current(shop);
      if (inner === null || !/\borders\s*[({]/.test(inner)) {
        data.bulkOperationRunQuery = { bulkOperation: null, userErrors: [{ field: ["query"], message: "The stand-in runs bulk queries over orders only", code: "INVALID" }] };
      } else if (running && ["CREATED", "RUNNING", "CANCELING"].includes(running.status)) {
        data.bulkOperationRunQuery = {
          bulkOperation: null,
          userErrors: [{ field: null, message: `A bulk query operation for this app and shop is already in progress: ${running.id}.`, code: "OPERATION_IN_PROGRESS" }],
        };
      } else {
        sequence += 1;
        const op: BulkOperationRecord = {
          id: `gid://shopify/BulkOperation/${720_000 + sequence}`,
          shop,
          query: inner,
          groupObjects,
          status: "CREATED",
          errorCode: null,
          createdAt: shopifyTime(new Date()),
          completedAt: null,
          objectCount: 0,
          rootObjectCount: 0,
          fileSize: null,
          url: null,
        };
        operations.set(op.id, op);
        setImmediate(() => void run(op).catch(() => ((op.status = "FAILED"), (op.errorCode = "INTERNAL_SERVER_ERROR"))));
        data.bulkOperationRunQuery = { bulkOperation: view(op), userErrors: [] };
      }
    }
    if (/\bbulkOperationCancel\s*\(/.test(query)) {
      const op = typeof variables.id === "string" ? operations.get(variables.id) : undefined;
      if (!op || op.shop !== shop) data.bulkOperationCancel = { bulkOperation: null, userErrors: [{ field: ["id"], message: "Bulk operation does not exist" }] };
      else if (!["CREATED", "RUNNING"].includes(op.status)) {
        data.bulkOperationCancel = { bulkOperation: view(op), userErrors: [{ field: null, message: `A bulk operation cannot be canceled when it is ${op.status.toLowerCase()}` }] };
      } else {
        op.status = op.status === "CREATED" ? "CANCELED" : "CANCELING";
        data.bulkOperationCancel = { bulkOperation: view(op), userErrors: [] };
      }
    }
    if (/\bcurrentBulkOperation\b/.test(query)) {
      const op = current(shop);
      data.currentBulkOperation = op ? view(op) : null;
    }
    if (/\bnode\s*\(/.test(query) && !/\bbulkOperation(RunQuery|Cancel)\b/.test(query)) {
      const op = typeof variables.id === "string" ? operations.get(variables.id) : undefined;
      if (typeof variables.id === "string" && /^gid:\/\/shopify\/BulkOperation\//.test(variables.id)) data.node = op && op.shop === shop ? view(op) : null;
    }
    if (/\borders\s*\(/.test(query) && !/\bbulkOperationRunQuery\b/.test(query)) {
      const page = ordersPage(query, variables, errors);
      if (page) data.orders = page;
    }
    if (Object.keys(data).length === 0 && errors.length === 0) return null;
    return {
      status: 200,
      body:
        errors.length > 0
          ? { errors }
          : { data, extensions: { cost: { requestedQueryCost: 10, actualQueryCost: 10, throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 1990, restoreRate: 100 } } } },
    };
  }

  function loadRequest(rawBody: string): SimAnswer {
    let parsed: unknown;
    try {
      parsed = parse(rawBody, null, (digits: string) => digits);
    } catch {
      return { status: 400, body: { error: 'The body must be an order (webhook JSON) or {"orders": [...]}' } };
    }
    const list = parsed && typeof parsed === "object" && Array.isArray((parsed as { orders?: unknown }).orders) ? (parsed as { orders: unknown[] }).orders : [parsed];
    try {
      const count = load(list.map((order) => stringify(order) ?? "null"));
      return { status: 200, body: { held: orders.size, loaded: count } };
    } catch (error) {
      return { status: 400, body: { error: `An order could not be read: ${error instanceof Error ? error.message : String(error)}` } };
    }
  }

  /** The `orders` connection, sorted by updated_at (then id), after the cursor. */
  function ordersPage(query: string, variables: Record<string, unknown>, errors: GraphqlError[]) {
    // Arguments as variables (what the app sends) or written in the query.
    const inline = /\borders\s*\(([^)]*)\)/.exec(query)?.[1] ?? "";
    const inlineFirst = /\bfirst:\s*(\d+)/.exec(inline)?.[1];
    const first = typeof variables.first === "number" ? variables.first : inlineFirst ? Number(inlineFirst) : null;
    if (first === null || first < 1 || first > MAX_PAGE) {
      errors.push({ message: `first must be between 1 and ${MAX_PAGE}`, extensions: { code: "BAD_REQUEST" } });
      return null;
    }
    const filter = orderFilter(typeof variables.query === "string" ? `orders(query: ${JSON.stringify(variables.query)})` : query);
    const sorted = [...orders.values()].filter(filter).sort((a, b) => Date.parse(a.updatedAt) - Date.parse(b.updatedAt) || a.id.localeCompare(b.id));
    const after = typeof variables.after === "string" ? decodeCursor(variables.after) : null;
    const start = after ? sorted.findIndex((order) => Date.parse(order.updatedAt) > after.at || (Date.parse(order.updatedAt) === after.at && order.id > after.id)) : 0;
    const nodes = start < 0 ? [] : sorted.slice(start, start + first);
    const last = nodes.at(-1);
    return {
      nodes,
      pageInfo: { hasNextPage: start >= 0 && start + first < sorted.length, endCursor: last ? encodeCursor(last) : null },
    };
  }

  return {
    operations,
    knobs,
    load,
    answer,
    async close() {
      for (const op of operations.values()) if (op.status === "RUNNING" || op.status === "CREATED") op.status = "CANCELING";
      files.closeAllConnections();
      await new Promise<void>((resolve) => files.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function view(op: BulkOperationRecord) {
  // UnsignedInt64 travels as a string in Shopify's JSON.
  return {
    id: op.id,
    status: op.status,
    errorCode: op.errorCode,
    createdAt: op.createdAt,
    completedAt: op.completedAt,
    objectCount: String(op.objectCount),
    rootObjectCount: String(op.rootObjectCount),
    fileSize: op.fileSize === null ? null : String(op.fileSize),
    url: op.url,
    partialDataUrl: null,
    query: op.query,
    type: "QUERY",
  };
}

/** One order as Shopify's bulk JSONL writes it: the order's line, then its connections' nodes, each naming its parent. */
export function bulkLines(order: AdminOrderNode): Record<string, unknown>[] {
  const { lineItems, fulfillments, refunds, ...fields } = order;
  const root = {
    ...fields,
    fulfillments: fulfillments.map(({ fulfillmentLineItems: _lines, ...fulfillment }) => fulfillment),
    refunds: refunds.map(({ refundLineItems: _lines, ...refund }) => refund),
  };
  const lines: Record<string, unknown>[] = [root];
  for (const line of lineItems.nodes) lines.push({ ...line, __parentId: order.id });
  for (const fulfillment of fulfillments) {
    fulfillment.fulfillmentLineItems.nodes.forEach((line, i) => lines.push({ id: `gid://shopify/FulfillmentLineItem/${gidDigits(fulfillment.id)}${i + 1}`, ...line, __parentId: fulfillment.id }));
  }
  for (const refund of refunds) {
    refund.refundLineItems.nodes.forEach((line, i) => lines.push({ id: `gid://shopify/RefundLineItem/${gidDigits(refund.id)}${i + 1}`, ...line, __parentId: refund.id }));
  }
  return lines;
}

/** Shopify's search syntax, the part the app uses: `created_at:>=…` and `updated_at:>=…` (also >, <=, <), ANDed. */
function orderFilter(queryText: string): (order: AdminOrderNode) => boolean {
  const argument = /orders\s*\(\s*[^)]*?query:\s*"((?:[^"\\]|\\.)*)"/.exec(queryText)?.[1] ?? "";
  const terms = [...argument.replace(/\\"/g, '"').matchAll(/\b(created_at|updated_at):(>=|<=|>|<)\s*['"]?([^'"\s)]+)['"]?/g)];
  return (order) =>
    terms.every(([, field, op, value]) => {
      const at = Date.parse(field === "created_at" ? order.createdAt : order.updatedAt);
      const bound = Date.parse(value!);
      if (Number.isNaN(bound)) return true;
      return op === ">=" ? at >= bound : op === ">" ? at > bound : op === "<=" ? at <= bound : at < bound;
    });
}

const encodeCursor = (order: AdminOrderNode) => Buffer.from(JSON.stringify({ at: Date.parse(order.updatedAt), id: order.id })).toString("base64url");
function decodeCursor(cursor: string): { at: number; id: string } | null {
  try {
    return JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as { at: number; id: string };
  } catch {
    return null;
  }
}

const gidDigits = (gid: string) => /\/(\d+)$/.exec(gid)?.[1] ?? gid;
const shopifyTime = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, "Z");

function fileExists(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}
