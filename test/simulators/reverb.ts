// Local stand-in for Reverb by TrackStreet (docs/partners/reverb.md,
// reverb-referrals.txt; the customer endpoints and the unauthorized answer from
// docs/partners/reverb.md [pub]). It checks HTTP Basic auth (consumer key : secret), keeps
// customers, orders and referrals per website in memory, rejects what the pages
// call REQUIRED, and answers in the documented envelope
// `{"response": {"code", "message", "data"}}`. By default it alternates the
// envelope's two documented forms (code as string / number, data.order as object
// / one-element array) so that a client proves it reads both. Every route also
// answers under /api/v1, the documented base path.
//
// Where the pages leave the answer open, variants let a test run the client against
// each reading instead of ours (docs/partners/reverb.md "What the pages leave open"):
// the order's id as `uuid` or `id`, ids and amounts as numbers with a null customer,
// an empty or non-JSON body after a 200 to the POST (the order is created all the
// same), and referral records appended (crediting again) rather than replaced on PUT.
import { randomUUID } from "node:crypto";
import { basicAuth, startSimServer, type Knobs, type SimAnswer, type SimRequest, type SimServer } from "./server";
import type { PartnerLocalMode } from "./local-mode";

export interface ReverbSimCredentials {
  consumerKey: string;
  consumerSecret: string;
  /** The website these keys belong to: every call must name this website. */
  websiteUuid: string;
}

/** Settings that work against a simulator started without options. */
export const REVERB_SIM_DEFAULTS = {
  consumerKey: "ck_reverb_simulator",
  consumerSecret: "cs_reverb_simulator",
  websiteUuid: "6f1c2b9e-4d0a-4c1e-9b7a-2f5e8d3c1a00",
  campaignUuid: "0a9d3e7c-58b1-4f2a-8c6d-1e4b7a9f3c20",
} as const;

export type ReverbEnvelopeForm = { code: "string" | "number"; order: "object" | "array" };

/**
 * How orders are presented, and how POST /orders answers: `order_uuid` (the page's GET
 * example), `uuid` or `id` instead; `numbers`: ids, amounts and quantities as JSON
 * numbers (ids are then whole numbers) and a null customer_uuid; `empty` / `not_json`:
 * the POST creates the order but its 200 carries an empty / a non-JSON body.
 */
export const REVERB_ORDER_ANSWERS = ["order_uuid", "uuid", "id", "numbers", "empty", "not_json"] as const;
export type ReverbOrderAnswer = (typeof REVERB_ORDER_ANSWERS)[number];

/** What a PUT does with referral_records: replace the order's (and credit each referrer once), or append them and credit again. */
export type ReverbReferralsOnPut = "replace" | "append";
/** "alternate" cycles through the four forms answer by answer; a fixed form pins one. */
export type ReverbEnvelopeVariant = "alternate" | ReverbEnvelopeForm;

export interface SimReverbCustomer {
  uuid: string;
  website_uuid: string;
  email: string;
  first_name: string;
  last_name: string;
  customer_id: string | null;
  phone: string | null;
  created_at: string;
}

export interface SimReverbOrderItem {
  product_id: string;
  price: string;
  quantity: string;
  product_title: string;
  product_url: string;
  product_image_url: string | null;
}

export interface SimReverbOrder {
  order_uuid: string;
  website_uuid: string;
  customer_uuid: string;
  order_number: string;
  subtotal: string;
  coupon_used: string | null;
  order_items: SimReverbOrderItem[];
  referral_records: { campaign_uuid: string; level: string; referrer_email: string }[];
  order_date: string;
  /** How many PUTs changed it (not part of the API's answer). */
  updates: number;
}

export interface SimReverbReferral {
  uuid: string;
  website_uuid: string;
  campaign_uuid: string;
  reward_action_type: number;
  referrer_advocate_uuid: string;
  referred_customer_uuid: string | null;
  referred_order_uuid: string | null;
  /** The referrer's own order, when the referral named one (referrer_order_uuid). */
  referrer_order_uuid: string | null;
  level: number;
  short_code: string;
  reward_earned: string;
  reward_type: string;
  reward_payed: string;
  incentive_used: string | null;
  incentive_type: string | null;
  referral_date: string;
}

export interface ReverbSimState {
  /** Keyed by uuid; insertion order is creation order. */
  customers: Map<string, SimReverbCustomer>;
  orders: Map<string, SimReverbOrder>;
  referrals: Map<string, SimReverbReferral>;
  findCustomerByEmail(websiteUuid: string, email: string): SimReverbCustomer | undefined;
  ordersNumbered(websiteUuid: string, orderNumber: string): SimReverbOrder[];
}

export interface ReverbSimOptions {
  credentials?: ReverbSimCredentials[];
  knobs?: Partial<Knobs>;
  envelopeVariant?: ReverbEnvelopeVariant;
  /**
   * How a refused request is answered: with its HTTP status ("http", default),
   * or inside a 200 with the status as the envelope's code ("envelope"): the
   * pages print no error answer, and a client must cope with both.
   */
  errorsAs?: "http" | "envelope";
  orderAnswer?: ReverbOrderAnswer;
  referralsOnPut?: ReverbReferralsOnPut;
  now?: () => Date;
  port?: number;
}

export type ReverbSimulator = SimServer & {
  state: ReverbSimState;
  credentials: ReverbSimCredentials[];
  /** Changeable between calls, e.g. to switch the envelope form mid-test. */
  options: { envelopeVariant: ReverbEnvelopeVariant; errorsAs: "http" | "envelope"; orderAnswer: ReverbOrderAnswer; referralsOnPut: ReverbReferralsOnPut };
};

const OK_MESSAGE = "OK: The request was successful. See response body for additional data.";
const FORMS: readonly ReverbEnvelopeForm[] = [
  { code: "string", order: "object" },
  { code: "number", order: "array" },
  { code: "string", order: "array" },
  { code: "number", order: "object" },
];
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DECIMAL = /^-?\d+(\.\d+)?$/;
const ITEM_FIELDS = ["product_id", "price", "quantity", "product_title", "product_url"] as const;

/** Reverb in local mode (local-mode.ts): the simulator with its default credentials. */
export const reverbLocal: PartnerLocalMode<ReverbSimulator> = { start: () => startReverbSimulator(), apiUrl: (sim) => sim.url, settings: REVERB_SIM_DEFAULTS };

export async function startReverbSimulator(opts: ReverbSimOptions = {}): Promise<ReverbSimulator> {
  const credentials = opts.credentials ?? [{ consumerKey: REVERB_SIM_DEFAULTS.consumerKey, consumerSecret: REVERB_SIM_DEFAULTS.consumerSecret, websiteUuid: REVERB_SIM_DEFAULTS.websiteUuid }];
  const options = {
    envelopeVariant: opts.envelopeVariant ?? ("alternate" as ReverbEnvelopeVariant),
    errorsAs: opts.errorsAs ?? ("http" as const),
    orderAnswer: opts.orderAnswer ?? ("order_uuid" as ReverbOrderAnswer),
    referralsOnPut: opts.referralsOnPut ?? ("replace" as ReverbReferralsOnPut),
  };
  let nextNumericId = 7001;
  const now = opts.now ?? (() => new Date());
  let answered = 0;

  const state: ReverbSimState = {
    customers: new Map(),
    orders: new Map(),
    referrals: new Map(),
    findCustomerByEmail: (websiteUuid, email) => [...state.customers.values()].find((c) => c.website_uuid === websiteUuid && c.email.toLowerCase() === email.toLowerCase()),
    ordersNumbered: (websiteUuid, orderNumber) => [...state.orders.values()].filter((o) => o.website_uuid === websiteUuid && o.order_number === orderNumber),
  };

  const nextForm = (): ReverbEnvelopeForm => {
    if (options.envelopeVariant !== "alternate") return options.envelopeVariant;
    return FORMS[answered++ % FORMS.length]!;
  };
  const ok = (data?: Record<string, unknown>, message = OK_MESSAGE): SimAnswer => {
    const form = nextForm();
    const shaped = data && "order" in data && form.order === "array" ? { ...data, order: [data.order] } : data;
    return { status: 200, body: { response: { code: form.code === "string" ? "200" : 200, message, ...(shaped ? { data: shaped } : {}) } } };
  };
  const fail = (status: number, message: string): SimAnswer => {
    const body = { response: { code: String(status), message } };
    return options.errorsAs === "envelope" ? { status: 200, body } : { status, body };
  };

  const handler = (req: SimRequest): SimAnswer => {
    const path = req.path.startsWith("/api/v1/") ? req.path.slice("/api/v1".length) : req.path;
    const segments = path.split("/").filter(Boolean).map(decodeURIComponent);

    const presented = basicAuth(req.headers.authorization);
    const credential = credentials.find((c) => c.consumerKey === presented?.user && c.consumerSecret === presented?.password);
    // The unauthorized answer seen in TrackStreet's plugin (docs/partners/reverb.md [pub]): always a real 401.
    if (!credential) return { status: 401, body: { status: false, error: "Unauthorized" } };
    const website = credential.websiteUuid;
    const body = isRecord(req.body) ? req.body : null;
    const [resource, first, second] = segments;

    if (resource === "customers") {
      if (req.method === "GET" && first && second && segments.length === 3) return findCustomer(first, second);
      if (req.method === "POST" && segments.length === 1) return createCustomer(body);
    }
    if (resource === "orders") {
      if (req.method === "POST" && segments.length === 1) return createOrder(body);
      if (req.method === "PUT" && first && segments.length === 2) return updateOrder(first, body);
      if (req.method === "GET" && first && segments.length === 2) return getOrder(first);
    }
    if (resource === "referrals") {
      if (req.method === "GET" && first && segments.length === 2) return getReferrals(first);
      if (req.method === "POST" && segments.length === 1) return createReferral(body);
    }
    return fail(404, `Not Found: no endpoint ${req.method} ${req.path}`);

    function sameWebsite(websiteUuid: unknown): SimAnswer | null {
      if (websiteUuid === undefined || websiteUuid === null || websiteUuid === "") return fail(400, "Missing required field: website_uuid");
      return websiteUuid === website ? null : fail(403, `Forbidden: website ${String(websiteUuid)} is not accessible with these API credentials`);
    }

    function findCustomer(websiteUuid: string, email: string): SimAnswer {
      const refused = sameWebsite(websiteUuid);
      if (refused) return refused;
      const customer = state.findCustomerByEmail(website, email);
      return customer ? ok({ customer: presentCustomer(customer) }) : fail(404, `Not Found: no customer with email ${email}`);
    }

    function createCustomer(input: Record<string, unknown> | null): SimAnswer {
      if (!input) return fail(400, "Bad Request: the body must be a JSON object");
      const refused = sameWebsite(input.website_uuid);
      if (refused) return refused;
      const missing = missingFields(input, ["email"]) ?? presentFields(input, ["first_name", "last_name"]);
      if (missing) return fail(400, missing);
      const email = String(input.email).trim();
      if (!EMAIL.test(email)) return fail(400, `Invalid field: email ${email} is not an email address`);
      if (state.findCustomerByEmail(website, email)) return fail(409, `Conflict: a customer with email ${email} already exists`);
      const customer: SimReverbCustomer = {
        uuid: randomUUID(),
        website_uuid: website,
        email,
        first_name: String(input.first_name),
        last_name: String(input.last_name),
        customer_id: optionalText(input.customer_id),
        phone: optionalText(input.phone),
        created_at: now().toISOString(),
      };
      state.customers.set(customer.uuid, customer);
      return ok({ customer: presentCustomer(customer) });
    }

    function createOrder(input: Record<string, unknown> | null): SimAnswer {
      if (!input) return fail(400, "Bad Request: the body must be a JSON object");
      const refused = sameWebsite(input.website_uuid);
      if (refused) return refused;
      const missing = missingFields(input, ["customer_uuid", "order_number", "subtotal"]);
      if (missing) return fail(400, missing);
      if (!Array.isArray(input.order_items) || input.order_items.length === 0) return fail(400, "Missing required field: order_items");
      const problem = customerProblem(input.customer_uuid) ?? subtotalProblem(input.subtotal) ?? itemsProblem(input.order_items) ?? referralRecordsProblem(input.referral_records);
      if (problem) return fail(400, problem);
      const order: SimReverbOrder = {
        // With numeric ids the order's id is a whole number (kept as its decimal text).
        order_uuid: options.orderAnswer === "numbers" ? String(nextNumericId++) : randomUUID(),
        website_uuid: website,
        customer_uuid: String(input.customer_uuid),
        order_number: String(input.order_number),
        subtotal: String(input.subtotal),
        coupon_used: optionalText(input.coupon_used),
        order_items: (input.order_items as Record<string, unknown>[]).map(toItem),
        referral_records: toReferralRecords(input.referral_records),
        order_date: now().toISOString(),
        updates: 0,
      };
      state.orders.set(order.order_uuid, order);
      recordReferrals(order);
      // The order exists now, whatever the answer says.
      if (options.orderAnswer === "empty") return { status: 200 };
      if (options.orderAnswer === "not_json") return { status: 200, raw: "<html><body>OK</body></html>" };
      return ok({ order: presentOrder(order) });
    }

    function updateOrder(orderUuid: string, input: Record<string, unknown> | null): SimAnswer {
      const order = state.orders.get(orderUuid);
      if (!order || order.website_uuid !== website) return fail(404, `Not Found: no order ${orderUuid}`);
      if (!input) return fail(400, "Bad Request: the body must be a JSON object");
      if (input.website_uuid !== undefined) {
        const refused = sameWebsite(input.website_uuid);
        if (refused) return refused;
      }
      // The page's PUT example names the list `items`, its field list `order_items`: take either.
      const items = input.order_items ?? input.items;
      const problem =
        (input.customer_uuid !== undefined ? customerProblem(input.customer_uuid) : null) ??
        (input.subtotal !== undefined ? subtotalProblem(input.subtotal) : null) ??
        (items !== undefined ? (Array.isArray(items) ? itemsProblem(items) : "Invalid field: order_items must be an array") : null) ??
        referralRecordsProblem(input.referral_records);
      if (problem) return fail(400, problem);
      if (input.customer_uuid !== undefined) order.customer_uuid = String(input.customer_uuid);
      if (input.order_number !== undefined) order.order_number = String(input.order_number);
      if (input.subtotal !== undefined) order.subtotal = String(input.subtotal);
      if (input.coupon_used !== undefined) order.coupon_used = optionalText(input.coupon_used);
      if (items !== undefined) order.order_items = (items as Record<string, unknown>[]).map(toItem);
      order.updates += 1;
      if (input.referral_records !== undefined && options.referralsOnPut === "append") {
        // Each record sent credits its referrer again, even on a cancellation.
        const appended = toReferralRecords(input.referral_records);
        order.referral_records.push(...appended);
        recordReferrals(order, appended, true);
      } else {
        if (input.referral_records !== undefined) order.referral_records = toReferralRecords(input.referral_records);
        recordReferrals(order);
      }
      return ok(undefined, "OK: The request was successful.");
    }

    function getOrder(orderUuid: string): SimAnswer {
      const order = state.orders.get(orderUuid);
      if (!order || order.website_uuid !== website) return fail(404, `Not Found: no order ${orderUuid}`);
      return ok({ order: presentOrder(order) });
    }

    // One URL shape for a referral uuid and a customer uuid (reverb-referrals.txt).
    function getReferrals(uuid: string): SimAnswer {
      const referral = state.referrals.get(uuid);
      if (referral && referral.website_uuid === website) return ok({ referral: presentReferral(referral) });
      const customer = state.customers.get(uuid);
      if (customer && customer.website_uuid === website) {
        const ofCustomer = [...state.referrals.values()].filter((r) => r.referrer_advocate_uuid === uuid || r.referred_customer_uuid === uuid);
        return ok({ referrals: ofCustomer.map(presentReferral) });
      }
      return fail(404, `Not Found: no referral or customer ${uuid}`);
    }

    function createReferral(input: Record<string, unknown> | null): SimAnswer {
      if (!input) return fail(400, "Bad Request: the body must be a JSON object");
      const refused = sameWebsite(input.website_uuid);
      if (refused) return refused;
      const missing = missingFields(input, ["campaign_uuid", "reward_action_type", "referrer_advocate_uuid"]);
      if (missing) return fail(400, missing);
      const action = Number(input.reward_action_type);
      if (![1, 2, 3, 4].includes(action)) return fail(400, `Invalid field: reward_action_type must be 1, 2, 3 or 4`);
      const referrer = state.customers.get(String(input.referrer_advocate_uuid));
      if (!referrer || referrer.website_uuid !== website) return fail(400, `Invalid field: no advocate ${String(input.referrer_advocate_uuid)}`);
      if ((action === 1 || action === 2) && !text(input.referred_customer_uuid)) return fail(400, "Missing required field: referred_customer_uuid");
      if ((action === 3 || action === 4) && input.qualified_amount === undefined) return fail(400, "Missing required field: qualified_amount");
      let order: SimReverbOrder | undefined;
      if (action === 1) {
        if (text(input.referred_order_uuid)) order = state.orders.get(String(input.referred_order_uuid));
        else if (text(input.referred_order_number)) order = state.ordersNumbered(website, String(input.referred_order_number))[0];
        else return fail(400, "Missing required field: referred_order_uuid or referred_order_number");
        if (!order || order.website_uuid !== website) return fail(400, "Invalid field: the referred order does not exist");
        if (text(input.referrer_order_uuid)) {
          const own = state.orders.get(String(input.referrer_order_uuid));
          if (!own || own.website_uuid !== website || own.customer_uuid !== referrer.uuid) {
            return fail(400, `Invalid field: referrer_order_uuid ${String(input.referrer_order_uuid)} is not an order of the referrer`);
          }
        }
        // "Need to use an order that has not been connected to a referral record" (the page's example).
        if ([...state.referrals.values()].some((r) => r.referred_order_uuid === order!.order_uuid)) {
          return fail(400, `Invalid field: order ${order.order_number} is already connected to a referral record`);
        }
      }
      addReferral({
        campaign_uuid: String(input.campaign_uuid),
        reward_action_type: action,
        referrer_advocate_uuid: referrer.uuid,
        referred_customer_uuid: text(input.referred_customer_uuid) ? String(input.referred_customer_uuid) : null,
        referred_order_uuid: order?.order_uuid ?? null,
        referrer_order_uuid: text(input.referrer_order_uuid) ? String(input.referrer_order_uuid) : null,
        level: Number(input.referred_level ?? input.level ?? 1),
        incentive_used: order?.coupon_used ?? null,
      });
      // The page's answer to this call carries no data.
      return ok(undefined, "OK: The request was successful.");
    }

    function customerProblem(uuid: unknown): string | null {
      const customer = state.customers.get(String(uuid));
      return customer && customer.website_uuid === website ? null : `Invalid field: no customer ${String(uuid)} (create the customer before the order)`;
    }

    /** Credits each record's referrer for the order: once per referrer, or (`again`) every time a record is sent. */
    function recordReferrals(order: SimReverbOrder, records = order.referral_records, again = false) {
      for (const record of records) {
        const referrer = state.findCustomerByEmail(website, record.referrer_email);
        const known = [...state.referrals.values()].some((r) => r.referred_order_uuid === order.order_uuid && r.referrer_advocate_uuid === referrer?.uuid);
        if (!referrer || (known && !again)) continue;
        addReferral({
          campaign_uuid: record.campaign_uuid,
          reward_action_type: 1,
          referrer_advocate_uuid: referrer.uuid,
          referred_customer_uuid: order.customer_uuid,
          referred_order_uuid: order.order_uuid,
          referrer_order_uuid: null,
          level: Number(record.level) || 1,
          incentive_used: order.coupon_used,
        });
      }
    }

    function addReferral(
      fields: Pick<
        SimReverbReferral,
        "campaign_uuid" | "reward_action_type" | "referrer_advocate_uuid" | "referred_customer_uuid" | "referred_order_uuid" | "referrer_order_uuid" | "level" | "incentive_used"
      >,
    ) {
      const referral: SimReverbReferral = {
        uuid: randomUUID(),
        website_uuid: website,
        ...fields,
        short_code: randomUUID().slice(0, 6).toUpperCase(),
        reward_earned: "5.00",
        reward_type: "commission",
        reward_payed: "false",
        incentive_type: fields.incentive_used ? "coupon" : null,
        referral_date: now().toISOString(),
      };
      state.referrals.set(referral.uuid, referral);
    }
  };

  const server = await startSimServer(handler, {
    knobs: opts.knobs,
    port: opts.port,
    now: opts.now ? () => opts.now!().getTime() : undefined,
    // A merchant's account is its consumer key.
    keyOf: (head) => basicAuth(head.headers.authorization)?.user ?? null,
  });
  return Object.assign(server, { state, credentials, options });

  function presentOrder(order: SimReverbOrder) {
    const customer = state.customers.get(order.customer_uuid);
    const numbers = options.orderAnswer === "numbers";
    const idField = options.orderAnswer === "uuid" || options.orderAnswer === "id" ? options.orderAnswer : "order_uuid";
    return {
      [idField]: numbers ? Number(order.order_uuid) : order.order_uuid,
      order_date: order.order_date,
      order_number: order.order_number,
      coupon_used: order.coupon_used,
      subtotal: numbers ? Number(order.subtotal) : order.subtotal,
      customer_uuid: numbers ? null : order.customer_uuid,
      customer_email: customer?.email ?? null,
      customer_first_name: customer?.first_name ?? null,
      customer_last_name: customer?.last_name ?? null,
      order_items: numbers ? order.order_items.map((item) => ({ ...item, price: Number(item.price), quantity: Number(item.quantity) })) : order.order_items,
    };
  }
}

function presentCustomer(customer: SimReverbCustomer) {
  const { website_uuid: _website, ...shown } = customer;
  return shown;
}

function presentReferral(referral: SimReverbReferral) {
  const { website_uuid: _website, reward_action_type: _action, ...shown } = referral;
  return shown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function text(value: unknown): boolean {
  return (typeof value === "string" && value.trim() !== "") || typeof value === "number";
}

function optionalText(value: unknown): string | null {
  return text(value) ? String(value) : null;
}

/** Fields the page marks REQUIRED: present and not empty. */
function missingFields(input: Record<string, unknown>, fields: readonly string[], prefix = ""): string | null {
  const missing = fields.find((field) => !text(input[field]));
  return missing ? `Missing required field: ${prefix}${missing}` : null;
}

/** Fields that must be present as strings, possibly empty (a customer without a last name). */
function presentFields(input: Record<string, unknown>, fields: readonly string[]): string | null {
  const missing = fields.find((field) => typeof input[field] !== "string");
  return missing ? `Missing required field: ${missing}` : null;
}

function subtotalProblem(subtotal: unknown): string | null {
  return DECIMAL.test(String(subtotal)) ? null : `Invalid field: subtotal ${JSON.stringify(subtotal)} is not an amount`;
}

function itemsProblem(items: unknown[]): string | null {
  for (const [index, item] of items.entries()) {
    if (!isRecord(item)) return `Invalid field: order_items[${index}] must be an object`;
    const missing = missingFields(item, ITEM_FIELDS, `order_items[${index}].`);
    if (missing) return missing;
    if (!DECIMAL.test(String(item.price))) return `Invalid field: order_items[${index}].price is not an amount`;
    if (!/^\d+$/.test(String(item.quantity))) return `Invalid field: order_items[${index}].quantity is not a whole number`;
    if (!/^https?:\/\//.test(String(item.product_url))) return `Invalid field: order_items[${index}].product_url is not a web page URL`;
  }
  return null;
}

function referralRecordsProblem(records: unknown): string | null {
  if (records === undefined) return null;
  if (!Array.isArray(records)) return "Invalid field: referral_records must be an array";
  for (const [index, record] of records.entries()) {
    if (!isRecord(record)) return `Invalid field: referral_records[${index}] must be an object`;
    const missing = missingFields(record, ["campaign_uuid", "referrer_email"], `referral_records[${index}].`);
    if (missing) return missing;
  }
  return null;
}

function toItem(item: Record<string, unknown>): SimReverbOrderItem {
  return {
    product_id: String(item.product_id),
    price: String(item.price),
    quantity: String(item.quantity),
    product_title: String(item.product_title),
    product_url: String(item.product_url),
    product_image_url: optionalText(item.product_image_url),
  };
}

function toReferralRecords(records: unknown): SimReverbOrder["referral_records"] {
  if (!Array.isArray(records)) return [];
  return records.filter(isRecord).map((record) => ({
    campaign_uuid: String(record.campaign_uuid),
    level: String(record.level ?? "1"),
    referrer_email: String(record.referrer_email),
  }));
}
