// Local stand-in for the TestFreaks Orders API (docs/partners/testfreaks.md):
// POST /orders upserts by order.id (adds or updates items, never deletes them),
// GET /orders/{id}, GET /orders with filters and links.next paging. It checks
// auth (the key as Basic user with an empty password, or as a Bearer token) and
// client_id, rejects what the docs call required, and keeps its state in memory.
// `rejectUnknownItemFields`: the stricter reading of a point the document leaves
// open (docs/partners/testfreaks.md), a 400 on an item field it does not list.
// Every route also answers under /v1, the documented base path.
import { basicAuth, startSimServer, type Knobs, type SimAnswer, type SimRequest, type SimServer } from "./server";
import type { PartnerLocalMode } from "./local-mode";

export const TESTFREAKS_SIM_API_KEY = "sk_test_simulator";
export const TESTFREAKS_SIM_CLIENT_ID = "sim.example.com";

export interface SimTestfreaksItem {
  id: string;
  family_id: string | null;
  name: string | null;
  category: string | null;
  delivery_date: string | null;
  url: string | null;
  image_url: string | null;
  properties: Record<string, string>;
  deleted: boolean;
  reviewable: boolean;
  created_at: string;
  updated_at: string;
}

export interface SimTestfreaksOrder {
  /** The client configuration the order belongs to (not part of the API's answer). */
  clientId: string;
  id: string;
  created_at: string;
  updated_at: string;
  customer: { id: string; name: string | null; email: string | null; opt_out: boolean; created_at: string; updated_at: string };
  items: SimTestfreaksItem[];
}

export interface TestfreaksSimState {
  /** Every stored order, all clients, in creation order. */
  orders: SimTestfreaksOrder[];
  findOrder(clientId: string, orderId: string): SimTestfreaksOrder | undefined;
}

export interface TestfreaksSimOptions {
  /** apiKey -> the client_id it belongs to. */
  apiKeys?: Record<string, string>;
  knobs?: Partial<Knobs>;
  /** Item ids of the product feed: an item found there is reviewable without product details. */
  productFeed?: Iterable<string>;
  /** Answer 400 to an item carrying a field the document does not list (default: ignore it, as most APIs do). */
  rejectUnknownItemFields?: boolean;
  now?: () => Date;
}

export type TestfreaksSimulator = SimServer & { state: TestfreaksSimState; apiKeys: Record<string, string> };

const YMD = /^\d{4}-\d{2}-\d{2}$/;
const CREATED_AFTER = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?Z)?$/;

/** TestFreaks in local mode (local-mode.ts): the simulator with its key and client id. */
export const testfreaksLocal: PartnerLocalMode<TestfreaksSimulator> = {
  start: () => startTestfreaksSimulator(),
  apiUrl: (sim) => sim.url,
  settings: { apiKey: TESTFREAKS_SIM_API_KEY, clientId: TESTFREAKS_SIM_CLIENT_ID },
};

export async function startTestfreaksSimulator(opts: TestfreaksSimOptions = {}): Promise<TestfreaksSimulator> {
  const apiKeys = opts.apiKeys ?? { [TESTFREAKS_SIM_API_KEY]: TESTFREAKS_SIM_CLIENT_ID };
  const productFeed = new Set(opts.productFeed ?? []);
  const now = opts.now ?? (() => new Date());
  const state: TestfreaksSimState = {
    orders: [],
    findOrder: (clientId, orderId) => state.orders.find((order) => order.clientId === clientId && order.id === orderId),
  };

  const handler = (req: SimRequest): SimAnswer => {
    const prefix = req.path.startsWith("/v1/") ? "/v1" : "";
    const path = req.path.slice(prefix.length);
    if (path !== "/orders" && !path.startsWith("/orders/")) return fail(404, `No route ${req.method} ${req.path}`);

    const key = presentedKey(req.headers.authorization);
    if (key === null) return fail(401, "Authentication required: send the API key as the Basic user with an empty password.");
    const keyClient = apiKeys[key];
    if (keyClient === undefined) return fail(401, "Invalid API key.");
    const clientId = req.query.get("client_id");
    if (!clientId) return fail(400, "client_id is required.");
    if (clientId !== keyClient) return fail(403, `This API key does not give access to client_id ${clientId}.`);

    if (path === "/orders" && req.method === "POST") return upsertOrder(clientId, req.body);
    if (path === "/orders" && req.method === "GET") return listOrders(clientId, req, prefix);
    if (path.startsWith("/orders/") && req.method === "GET") {
      const orderId = decodeURIComponent(path.slice("/orders/".length));
      const order = state.findOrder(clientId, orderId);
      return order ? { status: 200, body: { data: present(order) } } : fail(404, `Order ${orderId} not found.`);
    }
    return fail(405, `${req.method} is not allowed on ${req.path}.`);
  };

  function upsertOrder(clientId: string, body: unknown): SimAnswer {
    const problems = validateOrderBody(body, { rejectUnknownItemFields: opts.rejectUnknownItemFields ?? false });
    if (problems.length > 0) return { status: 400, body: { errors: problems.map((message) => ({ message })) } };
    const input = (body as { order: OrderInput }).order;
    const at = now().toISOString();
    let order = state.findOrder(clientId, input.id);
    if (!order) {
      order = {
        clientId,
        id: input.id,
        created_at: at,
        updated_at: at,
        customer: { id: input.customer.id, name: null, email: null, opt_out: false, created_at: at, updated_at: at },
        items: [],
      };
      state.orders.push(order);
    }
    order.updated_at = at;
    order.customer.id = input.customer.id;
    if (input.customer.name !== undefined) order.customer.name = input.customer.name;
    if (input.customer.email !== undefined) order.customer.email = input.customer.email;
    order.customer.updated_at = at;
    for (const item of input.items ?? []) upsertItem(order, item, at);
    // The docs' POST example answers `data` as a one-element list.
    return { status: 200, body: { data: [present(order)] } };
  }

  function upsertItem(order: SimTestfreaksOrder, input: ItemInput, at: string) {
    let item = order.items.find((existing) => existing.id === input.id);
    if (!item) {
      item = {
        id: input.id,
        family_id: null,
        name: null,
        category: null,
        delivery_date: null,
        url: null,
        image_url: null,
        properties: {},
        deleted: false,
        reviewable: false,
        created_at: at,
        updated_at: at,
      };
      order.items.push(item);
    }
    for (const field of ["family_id", "name", "category", "delivery_date", "url", "image_url"] as const) {
      if (input[field] !== undefined) item[field] = input[field];
    }
    if (input.properties !== undefined) item.properties = { ...item.properties, ...input.properties };
    // "If the order item ID is not found in the product feed the order item will be
    // set as unreviewable, unless the product details are provided"; an explicit
    // `reviewable` wins (that is how items are cancelled).
    item.reviewable = input.reviewable ?? (item.reviewable || productFeed.has(item.id) || item.name !== null);
    item.updated_at = at;
  }

  function listOrders(clientId: string, req: SimRequest, prefix: string): SimAnswer {
    const limitText = req.query.get("limit");
    const limit = limitText === null ? 100 : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return fail(400, "limit must be a whole number from 1 to 1000.");
    const createdAfter = req.query.get("created_after");
    if (createdAfter !== null && !CREATED_AFTER.test(createdAfter)) return fail(400, "created_after must be YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ.");
    const createdAfterMs = createdAfter === null ? null : Date.parse(createdAfter.length === 10 ? `${createdAfter}T00:00:00Z` : createdAfter);
    const customerId = req.query.get("customer_id");
    const customerEmail = req.query.get("customer_email")?.toLowerCase() ?? null;
    const after = req.query.get("after");
    const start = after === null ? 0 : Number(Buffer.from(after, "base64url").toString("utf8"));
    if (!Number.isInteger(start) || start < 0) return fail(400, "after is not a cursor from links.next.");

    const matching = state.orders.filter(
      (order) =>
        order.clientId === clientId &&
        (createdAfterMs === null || Date.parse(order.created_at) > createdAfterMs) &&
        (customerId === null || order.customer.id === customerId) &&
        (customerEmail === null || order.customer.email?.toLowerCase() === customerEmail),
    );
    const page = matching.slice(start, start + limit);
    const links: { next?: string } = {};
    if (start + limit < matching.length) {
      const next = new URLSearchParams(req.query);
      next.set("after", Buffer.from(String(start + limit), "utf8").toString("base64url"));
      links.next = `http://${req.headers.host ?? "127.0.0.1"}${prefix}/orders?${next.toString()}`;
    }
    return { status: 200, body: { data: page.map(present), links } };
  }

  // A merchant's account is its client id.
  const server = await startSimServer(handler, { knobs: opts.knobs, keyOf: (head) => head.query.get("client_id") });
  return Object.assign(server, { state, apiKeys });
}

interface ItemInput {
  id: string;
  delivery_date?: string;
  reviewable?: boolean;
  family_id?: string;
  name?: string;
  category?: string;
  url?: string;
  image_url?: string;
  properties?: Record<string, string>;
}

interface OrderInput {
  id: string;
  customer: { id: string; name?: string; email?: string };
  items?: ItemInput[];
}

/** The answer's order: the stored one without our bookkeeping. */
function present(order: SimTestfreaksOrder) {
  const { clientId: _clientId, ...rest } = order;
  return structuredClone(rest);
}

function fail(status: number, message: string): SimAnswer {
  return { status, body: { errors: [{ message }] } };
}

/** The key from `Basic base64(key:)` (password must be empty) or `Bearer key`. */
function presentedKey(header: string | undefined): string | null {
  if (header?.startsWith("Bearer ")) return header.slice(7).trim() || null;
  const basic = basicAuth(header);
  if (!basic || basic.password !== "" || basic.user === "") return null;
  return basic.user;
}

/** The item fields the document lists (POST /v1/orders, "Overriding product details"). */
export const DOCUMENTED_ITEM_FIELDS = ["id", "delivery_date", "reviewable", "family_id", "name", "category", "url", "image_url", "properties"] as const;

/** What the docs require and what the example bodies type; one message per problem. */
export function validateOrderBody(body: unknown, { rejectUnknownItemFields = false } = {}): string[] {
  if (!isObject(body) || !isObject(body.order)) return ["order is required."];
  const order = body.order;
  const problems: string[] = [];
  if (order.id === undefined || order.id === null || order.id === "") problems.push("order.id is required.");
  else if (typeof order.id !== "string") problems.push("order.id must be a string.");

  if (!isObject(order.customer)) problems.push("order.customer.id is required.");
  else {
    const customer = order.customer;
    if (customer.id === undefined || customer.id === null || customer.id === "") problems.push("order.customer.id is required.");
    else if (typeof customer.id !== "string") problems.push("order.customer.id must be a string.");
    for (const field of ["name", "email"] as const) {
      if (customer[field] !== undefined && typeof customer[field] !== "string") problems.push(`order.customer.${field} must be a string.`);
    }
  }

  if (order.items !== undefined) {
    if (!Array.isArray(order.items)) problems.push("order.items must be a list.");
    else {
      order.items.forEach((item: unknown, index) => {
        const at = `order.items[${index}]`;
        if (!isObject(item)) return void problems.push(`${at} must be an object.`);
        if (rejectUnknownItemFields) {
          for (const field of Object.keys(item)) {
            if (!(DOCUMENTED_ITEM_FIELDS as readonly string[]).includes(field)) problems.push(`${at}.${field} is not a known item field.`);
          }
        }
        if (item.id === undefined || item.id === null || item.id === "") problems.push(`${at}.id is required.`);
        else if (typeof item.id !== "string") problems.push(`${at}.id must be a string.`);
        if (item.delivery_date !== undefined && (typeof item.delivery_date !== "string" || !YMD.test(item.delivery_date))) {
          problems.push(`${at}.delivery_date must be a date (YYYY-MM-DD).`);
        }
        if (item.reviewable !== undefined && typeof item.reviewable !== "boolean") problems.push(`${at}.reviewable must be true or false.`);
        for (const field of ["family_id", "name", "category", "url", "image_url"] as const) {
          if (item[field] !== undefined && typeof item[field] !== "string") problems.push(`${at}.${field} must be a string.`);
        }
        if (item.properties !== undefined) {
          if (!isObject(item.properties)) problems.push(`${at}.properties must be an object of key-value pairs.`);
          else if (Object.values(item.properties).some((value) => typeof value !== "string")) problems.push(`${at}.properties values must be strings.`);
        }
      });
    }
  }
  return problems;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
