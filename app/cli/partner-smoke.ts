// partner:smoke: the smallest real round trip a partner allows, made with the
// shop's stored settings against the partner's test environment, printed field by
// field beside what the app assumes (docs/partners/*.md). The simulators under
// test/ answer as we read the documents; this is how an operator learns whether
// the partner really does. It goes through the connectors' own HTTP clients, so
// a "✗" is something the app itself would trip on.
import type { PrismaClient } from "@prisma/client";
import { connectors } from "~/connectors/registry";
import type { ClientDeps, PartnerId } from "~/connectors/types";
import { createReverbClient, type ReverbConfig } from "~/connectors/reverb";
import type { ReversioConfig } from "~/connectors/reversio";
import { createReversioClient } from "~/connectors/reversio/client";
import { resolveModelIds } from "~/connectors/reversio/models";
import type { ReversioImportOrderRequest } from "~/connectors/reversio/schema";
import { jwtExpiryMs } from "~/connectors/reversio/token";
import { createTestfreaksClient } from "~/connectors/testfreaks/client";
import type { TestfreaksConfig } from "~/connectors/testfreaks/schema";
import { silentLogger } from "~/logger";
import type { Keyring } from "~/security/secrets.server";
import { loadPartnerConfig } from "~/sync/partner-config.server";
import { memoryPartnerCache } from "~/sync/partner-cache.server";

export interface SmokeDeps {
  db: PrismaClient;
  keyring: Keyring;
  env: Record<string, string | undefined>;
  fetch: typeof globalThis.fetch;
  now: () => Date;
  out: (line: string) => void;
  err: (line: string) => void;
}

/** How to point the app at each partner's test environment (its meta.ts names the variable and the production URL). */
const SANDBOX_HINT: Record<PartnerId, (variable: string) => string> = {
  reverb: (variable) => `set ${variable} to the test environment TrackStreet gave you`,
  reversio: (variable) => `choose the sandbox environment in the shop's Revers.io settings (or set ${variable})`,
  testfreaks: (variable) => `set ${variable} to the test environment TestFreaks gave you`,
};

/** Host labels that name a test environment (e.g. demo-customer-api.revers.io, api.sandbox.example.com). */
const SANDBOX_LABELS = new Set(["sandbox", "test", "testing", "demo", "staging", "stage", "qa", "uat", "dev"]);

/**
 * Whether a base URL is a test environment: a loopback address (a local simulator)
 * or a host with a label that says so. The partner's production URL, and any
 * host not marked, count as production: refusing a sandbox by mistake costs a
 * flag, writing test orders into a merchant's live account costs more.
 */
export function environmentOf(baseUrl: string, productionUrl: string): { sandbox: boolean; why: string } {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return { sandbox: false, why: "not a URL" };
  }
  const norm = (value: string) => value.replace(/\/+$/, "").toLowerCase();
  if (norm(baseUrl) === norm(productionUrl) || url.hostname === new URL(productionUrl).hostname) return { sandbox: false, why: "the partner's production API" };
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (host === "localhost" || host.endsWith(".localhost") || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host)) return { sandbox: true, why: "a local address" };
  const marked = host.split(/[.-]/).find((label) => SANDBOX_LABELS.has(label.toLowerCase()));
  if (marked) return { sandbox: true, why: `its host is marked "${marked}"` };
  return { sandbox: false, why: "its host is not marked as a sandbox or test environment" };
}

// ---- What the partner answered, as recorded on the way through the client's fetch.

interface Exchange {
  method: string;
  /** Below the base URL, without the query string (it can carry a secret: Revers.io's ?secret=). */
  path: string;
  status: number;
  /** Parsed JSON, the raw text when it is not JSON, null when empty. */
  body: unknown;
  /** Revers.io's token call: whether the secret went as a query parameter (never its value). */
  secretInQuery: boolean;
}

function recordingFetch(fetch: typeof globalThis.fetch, baseUrl: string): { fetch: typeof globalThis.fetch; exchanges: Exchange[] } {
  const exchanges: Exchange[] = [];
  const basePath = new URL(baseUrl).pathname.replace(/\/+$/, "");
  const recorded: typeof globalThis.fetch = async (input, init) => {
    const response = await fetch(input, init);
    const url = new URL(input instanceof Request ? input.url : String(input));
    const text = await response.clone().text();
    let body: unknown = null;
    if (text.trim() !== "") {
      try {
        body = JSON.parse(text);
      } catch {
        body = text.slice(0, 200);
      }
    }
    const path = url.pathname.startsWith(basePath) ? url.pathname.slice(basePath.length) || "/" : url.pathname;
    exchanges.push({ method: (init?.method ?? "GET").toUpperCase(), path, status: response.status, body, secretInQuery: url.searchParams.has("secret") });
    return response;
  };
  return { fetch: recorded, exchanges };
}

// ---- Checks and their report.

/** ✓ as assumed; ~ otherwise, and the app copes; ✗ the app cannot use it; · a note. */
type Mark = "✓" | "~" | "✗" | "·";
interface Line {
  mark: Mark;
  text: string;
}

/** A step's findings: ✓ as the app assumes, ~ otherwise but the app copes, ✗ the app cannot use it. */
class Findings {
  readonly lines: Line[] = [];
  add(mark: Mark, text: string) {
    this.lines.push({ mark, text });
  }
  get failed() {
    return this.lines.some((l) => l.mark === "✗");
  }
}

function kind(value: unknown): string {
  if (value === undefined) return "absent";
  if (value === null) return "null";
  if (Array.isArray(value)) return value.length === 1 ? "one-element array" : `array of ${value.length}`;
  return typeof value;
}

/** `field: <kind> ✓` when the kind is the one assumed; ~ for a kind the app also reads; ✗ for any other when `needed`. */
function expectKind(f: Findings, label: string, value: unknown, assumed: string, options: { alsoRead?: string[]; needed?: boolean } = {}) {
  const actual = kind(value);
  if (actual === assumed) return f.add("✓", `${label}: ${actual} ✓`);
  const tolerated = options.alsoRead?.includes(actual) || !options.needed;
  f.add(tolerated ? "~" : "✗", `${label}: ${actual} ${tolerated ? "~" : "✗"} (assumed ${assumed}${options.alsoRead?.includes(actual) ? "; the app reads this too" : ""})`);
}

/** `field: <value> ✓ (as sent)` when the partner gives back what we sent (or `source`: where the expected value came from). */
function expectValue(f: Findings, label: string, value: unknown, expected: unknown, needed = false, source = "sent") {
  if (value === expected) return f.add("✓", `${label}: ${JSON.stringify(value)} ✓ (as ${source})`);
  if (value !== undefined && value !== null && String(value) === String(expected))
    return f.add("~", `${label}: ${JSON.stringify(value)} ~ (${source} ${JSON.stringify(expected)}; same value, another type)`);
  f.add(needed ? "✗" : "~", `${label}: ${value === undefined ? "absent" : JSON.stringify(value)} ${needed ? "✗" : "~"} (${source} ${JSON.stringify(expected)})`);
}

/** `obj.a.b` without throwing on the way. */
function at(value: unknown, ...path: (string | number)[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

const single = (value: unknown) => (Array.isArray(value) && value.length === 1 ? value[0] : value);

interface Step {
  title: string;
  exchanges: Exchange[];
  findings: Findings;
}

class SmokeRun {
  readonly steps: Step[] = [];
  constructor(private readonly recorder: { exchanges: Exchange[] }) {}

  /** Runs one step: the calls it makes are recorded; a throw is the step's ✗ (later steps that need it do not run). */
  async step<T>(title: string, call: (f: Findings) => Promise<T>): Promise<T | undefined> {
    const findings = new Findings();
    const first = this.recorder.exchanges.length;
    let result: T | undefined;
    try {
      result = await call(findings);
    } catch (error) {
      findings.add("✗", `the app's client failed: ${error instanceof Error ? error.message : String(error)}`);
      result = undefined;
    }
    this.steps.push({ title, exchanges: this.recorder.exchanges.slice(first), findings });
    return findings.failed ? undefined : result;
  }

  skipped(title: string, why: string) {
    const findings = new Findings();
    findings.add("·", `not run: ${why}`);
    this.steps.push({ title, exchanges: [], findings });
  }

  /** The latest call of this method whose path starts so. */
  last(method: string, pathStart: string): Exchange | undefined {
    return [...this.recorder.exchanges].reverse().find((e) => e.method === method && e.path.startsWith(pathStart));
  }

  /** Every call of this method to exactly this path. */
  calls(method: string, path: string): Exchange[] {
    return this.recorder.exchanges.filter((e) => e.method === method && e.path === path);
  }
}

// ---- The round trips.

const SMOKE_EMAIL = "partner-sync-smoke@example.com";
const SMOKE_TITLE = "Partner Sync smoke test (not a real order)";
const SMOKE_SKU = "PARTNER-SYNC-SMOKE";

/** Which field carries Reverb's order id: `order_uuid`, a string, is what the app assumes (docs/partners/reverb.md); it reads `uuid`, `id` and numbers too. */
function expectOrderId(f: Findings, order: unknown, needed: boolean) {
  const field = ["order_uuid", "uuid", "id"].find((k) => at(order, k) !== undefined && at(order, k) !== null);
  const value = field ? at(order, field) : undefined;
  if (field === "order_uuid" && typeof value === "string") return f.add("✓", "order id field: order_uuid ✓ (assumed)");
  if (field) return f.add("~", `order id field: ${field}${typeof value === "string" ? "" : `, a ${kind(value)}`} ~ (assumed order_uuid, a string)`);
  f.add(needed ? "✗" : "~", `order id field: none ${needed ? "✗" : "~"} (assumed order_uuid)`);
}

async function reverbRoundTrip(run: SmokeRun, deps: ClientDeps, config: ReverbConfig, stamp: string) {
  const client = createReverbClient(deps, config);
  const customer = await run.step("Find the test customer (GET /customers/{website}/{email})", async (f) => {
    const found = await client.findCustomer(SMOKE_EMAIL);
    if (!found) f.add("✓", "customer: not there yet (the app then creates it) ✓");
    else expectKind(f, "customer uuid field: data.customer.uuid", found.uuid, "string", { needed: true });
    return found?.uuid ?? null;
  });
  if (customer === undefined) return;
  const customerUuid =
    customer ??
    (await run.step("Create the test customer (POST /customers)", async (f) => {
      const uuid = await client.createCustomer({ website_uuid: config.websiteUuid, email: SMOKE_EMAIL, first_name: "Partner Sync", last_name: "Smoke test", customer_id: "partner-sync-smoke" });
      const answer = run.last("POST", "/customers")?.body;
      expectKind(f, "response.code", at(answer, "response", "code"), "string", { alsoRead: ["number"] });
      expectKind(f, "customer uuid field: data.customer.uuid", at(answer, "response", "data", "customer", "uuid"), "string", { needed: true });
      return uuid;
    }));
  if (!customerUuid) return;

  const orderNumber = `PS-SMOKE-${stamp}`;
  const item = { product_id: SMOKE_SKU, price: "0.00", quantity: "1", product_title: SMOKE_TITLE, product_url: "https://example.com/partner-sync-smoke" };
  // No amount and no referral record: a test order that can earn no one a commission.
  const order = { website_uuid: config.websiteUuid, customer_uuid: customerUuid, order_number: orderNumber, subtotal: "0.00", order_items: [item] };
  const orderUuid = await run.step(`Create the test order ${orderNumber} (POST /orders)`, async (f) => {
    const created: { orderUuid: string | null } = await client.createOrder(order);
    const answer = run.last("POST", "/orders")?.body;
    expectKind(f, "response.code", at(answer, "response", "code"), "string", { alsoRead: ["number"] });
    const data = at(answer, "response", "data", "order");
    expectKind(f, "data.order", data, "object", { alsoRead: ["one-element array"] });
    expectOrderId(f, single(data), true);
    for (const key of ["subtotal", "order_number", "customer_uuid"] as const) {
      if (at(single(data), key) !== undefined) expectValue(f, key, at(single(data), key), order[key]);
    }
    if (!created.orderUuid) f.add("✗", "the app could not read the order's id: the job would wait for the merchant (never a second POST)");
    else f.add("✓", `the app read the order's id: ${created.orderUuid} ✓`);
    return created.orderUuid ?? undefined;
  });
  if (!orderUuid) return;

  const updated = { ...item, product_title: `${SMOKE_TITLE} (updated)` };
  await run.step("Update the test order (PUT /orders/{order_uuid})", async (f) => {
    await client.updateOrder(orderUuid, { subtotal: "0.00", order_items: [updated], coupon_used: "PARTNER-SYNC-SMOKE" });
    expectKind(f, "response.code", at(run.last("PUT", "/orders/")?.body, "response", "code"), "string", { alsoRead: ["number"] });
  });
  await run.step("Read the test order back (GET /orders/{order_uuid})", async (f) => {
    const read = await client.getOrder(orderUuid);
    const data = single(at(run.last("GET", "/orders/")?.body, "response", "data", "order"));
    if (!read) f.add("✗", "the app found no order under the id Reverb gave ✗");
    expectOrderId(f, data, false);
    expectValue(f, "order_number", at(data, "order_number"), orderNumber);
    expectKind(f, "subtotal", at(data, "subtotal"), "string", { alsoRead: ["number"] });
    expectValue(f, "subtotal", at(data, "subtotal"), "0.00");
    expectValue(f, "customer_uuid", at(data, "customer_uuid"), customerUuid);
    expectValue(f, "coupon_used (set by the update)", at(data, "coupon_used"), "PARTNER-SYNC-SMOKE", true);
    const items = at(data, "order_items") ?? at(data, "items");
    expectKind(f, "order_items", items, "one-element array", { needed: true });
    const first = single(items);
    expectValue(f, "order_items[0].product_title (set by the update)", at(first, "product_title"), updated.product_title, true);
    expectKind(f, "order_items[0].price", at(first, "price"), "string", { alsoRead: ["number"] });
    expectKind(f, "order_items[0].quantity", at(first, "quantity"), "string", { alsoRead: ["number"] });
    const referrals = at(data, "referral_records");
    // None were sent: records appearing here would mean Reverb makes some up (or keeps old ones).
    if (referrals === undefined || referrals === null || (Array.isArray(referrals) && referrals.length === 0)) f.add("✓", `referral_records: ${kind(referrals)} ✓ (none sent)`);
    else f.add("✗", `referral_records: ${kind(referrals)} ✗ (none sent)`);
  });
}

async function testfreaksRoundTrip(run: SmokeRun, deps: ClientDeps, config: TestfreaksConfig, stamp: string) {
  const client = createTestfreaksClient(deps, config);
  const orderId = `partner-sync-smoke-${stamp}`;
  // Not reviewable and no delivery date: TestFreaks sends no invitation for it.
  const item = { id: SMOKE_SKU, reviewable: false, name: SMOKE_TITLE, properties: { Size: "M" } };
  const request = { order: { id: orderId, customer: { id: "partner-sync-smoke", name: "Partner Sync smoke test", email: SMOKE_EMAIL }, items: [item] } };
  const checkOrder = (f: Findings, data: unknown) => {
    expectValue(f, "id", at(data, "id"), orderId, true);
    expectValue(f, "customer.id", at(data, "customer", "id"), request.order.customer.id);
    expectValue(f, "customer.email", at(data, "customer", "email"), SMOKE_EMAIL);
    const items = at(data, "items");
    expectKind(f, "items", items, "one-element array");
    expectValue(f, "items[0].id", at(single(items), "id"), SMOKE_SKU);
    expectValue(f, "items[0].reviewable", at(single(items), "reviewable"), false, true);
    expectValue(f, "items[0].properties.Size", at(single(items), "properties", "Size"), "M");
  };
  const upserted = await run.step(`Upsert the test order ${orderId} (POST /orders)`, async (f) => {
    await client.upsertOrder(request);
    const answer = run.last("POST", "/orders")?.body;
    expectKind(f, "data", at(answer, "data"), "one-element array", { alsoRead: ["object"], needed: true });
    const errors = at(answer, "errors");
    f.add(errors === undefined || errors === null || (Array.isArray(errors) && errors.length === 0) ? "✓" : "✗", `errors: ${kind(errors)}`);
    checkOrder(f, single(at(answer, "data")));
    return true;
  });
  if (!upserted) return;
  await run.step("Read the test order back (GET /orders/{id})", async (f) => {
    const read = await client.getOrder(orderId);
    if (!read) f.add("✗", "the app found no order under that id ✗");
    const answer = run.last("GET", "/orders/")?.body;
    expectKind(f, "data", at(answer, "data"), "object", { alsoRead: ["one-element array"], needed: true });
    checkOrder(f, single(at(answer, "data")));
  });
}

async function reversioRoundTrip(run: SmokeRun, deps: ClientDeps, config: ReversioConfig, stamp: string, production: boolean) {
  const cache = memoryPartnerCache(deps.now);
  const client = createReversioClient(deps, config, cache);
  const modelTypes = await run.step("Token, then the model types (GET /token, GET /catalog/modelTypes)", async (f) => {
    const types = await client.listModelTypes();
    for (const token of run.calls("GET", "/token")) {
      f.add(token.status < 300 ? "✓" : "~", `token (secret as ${token.secretInQuery ? "?secret= query" : "Ocp-Apim-Secret-Value header"}): HTTP ${token.status}${token.status < 300 ? " ✓" : " ~"}`);
    }
    const jwt = at(run.last("GET", "/token")?.body, "value");
    expectKind(f, "token value", jwt, "string", { needed: true });
    const expiry = typeof jwt === "string" ? jwtExpiryMs(jwt) : null;
    if (expiry === null) f.add("~", "token exp: unreadable ~ (the app then assumes one hour)");
    else f.add("✓", `token exp: in ${Math.round((expiry - deps.now().getTime()) / 60_000)} min ✓`);
    const value = at(run.last("GET", "/catalog/modelTypes")?.body, "value");
    f.add(Array.isArray(value) ? "✓" : "✗", `model types (value): ${kind(value)}`);
    f.add(types.length > 0 ? "✓" : "~", `model types the app read: ${types.length}`);
    return types;
  });
  if (!modelTypes) return;
  const reference = `PS-SMOKE-${stamp}`;
  await run.step(`Ask for the unknown order ${reference} (GET /orders/{reference}/status)`, async (f) => {
    const status = await client.getOrderStatus(reference);
    const answer = run.last("GET", "/orders/");
    f.add(
      status === null ? "✓" : "✗",
      `not found: HTTP ${answer?.status}${at(answer?.body, "isNotFound") === true ? ", isNotFound: true" : ""} ${status === null ? "✓" : "✗ (the app took it for a known order)"}`,
    );
  });
  if (production) {
    run.skipped("Import a test order", "an imported order is final at Revers.io (no update or cancel call): against production the check stays read-only");
    return;
  }
  const modelTypeId = config.modelTypeId ?? modelTypes[0]?.id;
  if (!modelTypeId) return run.skipped("Import a test order", "the catalog lists no model type to create the test model with");
  const modelIds = await run.step(`Find or create the test model ${SMOKE_SKU} (GET /catalog/models/bySku, PUT /catalog/brands, PUT /catalog/models)`, async (f) => {
    const planned = [{ orderLineReference: "smoke-1", price: { amount: 0, currency: "EUR" as const }, sku: SMOKE_SKU, brandName: "Partner Sync smoke test", label: SMOKE_TITLE, photoUrl: null }];
    const ids = await resolveModelIds(client, planned, { ...config, createMissingModels: true, modelTypeId }, cache);
    expectKind(f, "model id", ids.get(SMOKE_SKU), "string", { needed: true });
    return ids;
  });
  if (!modelIds) return;
  const body: ReversioImportOrderRequest = {
    orderReference: reference,
    civility: "NotSet",
    customerFirstName: "Partner Sync",
    customerLastName: "Smoke test",
    customerMail: SMOKE_EMAIL,
    purchaseDateUtc: deps.now().toISOString(),
    products: [{ modelId: modelIds.get(SMOKE_SKU)!, price: { amount: 0, currency: "EUR" }, orderLineReference: "smoke-1" }],
    shippingPrice: { amount: 0, currency: "EUR" },
    salesChannel: config.salesChannel,
    ...(config.storePurchasedAt ? { storePurchasedAt: config.storePurchasedAt } : {}),
  };
  const imported = await run.step(`Import the test order ${reference} (PUT /orders)`, async (f) => {
    const { orderId } = await client.importOrder(body);
    const answer = run.last("PUT", "/orders")?.body;
    expectKind(f, "value (the order's id)", at(answer, "value"), "string", { needed: true });
    const failure = at(answer, "failure");
    f.add(failure === true ? "✗" : "✓", `failure: ${kind(failure)}${failure === undefined ? "" : ` ${String(failure)}`}`);
    return orderId;
  });
  if (!imported) return;
  await run.step(`Read the test order back (GET /orders/${reference}/status)`, async (f) => {
    const status = await client.getOrderStatus(reference);
    if (!status) f.add("✗", "the app found no order under the reference it imported ✗");
    const value = at(run.last("GET", "/orders/")?.body, "value");
    expectValue(f, "orderReference", at(value, "orderReference"), reference);
    expectKind(f, "orderLines", at(value, "orderLines"), "one-element array");
    expectValue(f, "orderId", at(value, "orderId"), imported, false, "the import answered");
  });
}

/** Runs the round trip for one shop and partner; answers the exit code (0: everything as the app assumes or copes with). */
export async function partnerSmoke(deps: SmokeDeps, shop: string, partner: PartnerId, options: { production: boolean }): Promise<number> {
  const connector = connectors[partner];
  let stored;
  try {
    stored = await loadPartnerConfig(deps.db, deps.keyring, shop, connector);
  } catch (error) {
    deps.err(`Cannot read the ${connector.displayName} settings of ${shop}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  if (!stored) {
    deps.err(`${connector.displayName} is not set up for ${shop}: save its sandbox settings first (partner:configure ${shop} ${partner} --file <settings.json>).`);
    return 1;
  }
  const baseUrl = connector.baseUrl(stored.config, deps.env);
  const { sandbox, why } = environmentOf(baseUrl, connector.meta.defaultBaseUrl);
  if (!sandbox && !options.production) {
    deps.err(`Refused: ${baseUrl} is not a test environment (${why}).`);
    deps.err(`partner:smoke creates a test customer and a test order at ${connector.displayName}. To check the sandbox, ${SANDBOX_HINT[partner](connector.meta.urlVariable)}.`);
    deps.err("To run against this URL anyway, add --production.");
    return 1;
  }
  if (!sandbox) {
    deps.err(`WARNING: --production: ${baseUrl} is treated as ${connector.displayName}'s production API (${why}).`);
    deps.err(
      partner === "reversio"
        ? "  Read-only there: a token and two reads, no import (an imported order is final)."
        : `  A test customer and order (no amount, no referral, not reviewable) are created in the merchant's live ${connector.displayName} account; the API cannot remove them.`,
    );
  }

  const recorder = recordingFetch(deps.fetch, baseUrl);
  const clientDeps: ClientDeps = { fetch: recorder.fetch, now: deps.now, logger: silentLogger, baseUrl };
  const run = new SmokeRun(recorder);
  const stamp = deps.now().toISOString().replace(/\D/g, "").slice(0, 14);
  deps.out(`partner:smoke ${partner} for ${shop} against ${baseUrl} (${sandbox ? `test environment: ${why}` : "PRODUCTION"})`);
  deps.out(`Test data: customer ${SMOKE_EMAIL}, item ${SMOKE_SKU}, order ${partner === "testfreaks" ? "partner-sync-smoke-" : "PS-SMOKE-"}${stamp}; no amount, no referral.`);
  deps.out("Marks: ✓ as the app assumes; ~ otherwise, and the app copes; ✗ the app cannot use it; · a note.");
  if (partner === "reverb") await reverbRoundTrip(run, clientDeps, stored.config as ReverbConfig, stamp);
  else if (partner === "testfreaks") await testfreaksRoundTrip(run, clientDeps, stored.config as TestfreaksConfig, stamp);
  else await reversioRoundTrip(run, clientDeps, stored.config as ReversioConfig, stamp, !sandbox);

  for (const [i, step] of run.steps.entries()) {
    const calls = step.exchanges.map((e) => `${e.method} ${e.path} → ${e.status}`).join(", ");
    deps.out(`${i + 1}. ${step.title}${calls ? `: ${calls}` : ""}`);
    for (const line of step.findings.lines) deps.out(`   ${line.text.includes(line.mark) ? line.text : `${line.text} ${line.mark}`}`);
  }
  const failed = run.steps.some((s) => s.findings.failed);
  const differences = run.steps.reduce((n, s) => n + s.findings.lines.filter((l) => l.mark === "~").length, 0);
  deps.out(
    failed
      ? `Result: ✗ above: a call to ${connector.displayName} failed, or it answered something the app cannot use.`
      : `Result: ${connector.displayName} answered as the app assumes${differences > 0 ? `, with ${differences} difference(s) it copes with (~)` : ""}.`,
  );
  return failed ? 1 : 0;
}
