// The TestFreaks connector against the local stand-in of the Orders API
// (test/simulators/testfreaks.ts), over real HTTP on loopback.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { testfreaksConnector } from "~/connectors/testfreaks";
import { createTestfreaksClient } from "~/connectors/testfreaks/client";
import type { TestfreaksConfig, TestfreaksOrderRequest } from "~/connectors/testfreaks/schema";
import { PartnerError } from "~/connectors/errors";
import type { ClientDeps, PushContext } from "~/connectors/types";
import type { Logger } from "~/logger";
import { memoryPartnerCache } from "~/sync/partner-cache.server";
import { loadFixture } from "../fixtures/shopify/index";
import { parseJsonLossless } from "~/orders/json";
import { extractOrderSnapshot } from "~/orders/read-webhook";
import type { OrderSnapshot } from "~/orders/snapshot";
import { buildCanonicalOrder } from "~/orders/build";
import type { CanonicalOrder } from "~/orders/canonical";
import { startTestfreaksSimulator, TESTFREAKS_SIM_API_KEY, TESTFREAKS_SIM_CLIENT_ID, type TestfreaksSimulator } from "../simulators/testfreaks";

const config: TestfreaksConfig = { apiKey: TESTFREAKS_SIM_API_KEY, clientId: TESTFREAKS_SIM_CLIENT_ID, itemIdSource: "sku", orderIdSource: "name" };

let sim: TestfreaksSimulator;
let logLines: string[];

beforeEach(async () => {
  sim = await startTestfreaksSimulator();
  logLines = [];
});
afterEach(async () => {
  await sim.close();
});

function recordingLogger(): Logger {
  const write = (level: string) => (message: string, fields?: Record<string, unknown>) => void logLines.push(JSON.stringify({ level, message, ...fields }));
  return { info: write("info"), warn: write("warn"), error: write("error") };
}

function depsFor(baseUrl: string): ClientDeps {
  return { fetch: globalThis.fetch, now: () => new Date("2024-05-01T12:00:00Z"), logger: recordingLogger(), baseUrl };
}

function contextFor(cfg: TestfreaksConfig, baseUrl = sim.url): PushContext<TestfreaksConfig> {
  return { shop: "sim-shop.myshopify.com", config: cfg, remoteId: null, previousOutcomeUncertain: false, cache: memoryPartnerCache(), deps: depsFor(baseUrl) };
}

async function pushError(request: TestfreaksOrderRequest, ctx: PushContext<TestfreaksConfig>): Promise<PartnerError> {
  const error = await testfreaksConnector.push(request, ctx).then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(PartnerError);
  return error as PartnerError;
}

function orderFrom(fixture: string, change?: (snapshot: OrderSnapshot) => void): CanonicalOrder {
  const result = extractOrderSnapshot(parseJsonLossless(loadFixture(fixture)));
  if (!result.ok) throw new Error(`${fixture}: ${result.error}`);
  change?.(result.snapshot);
  return buildCanonicalOrder("sim-shop.myshopify.com", result.snapshot);
}

function requestFor(order: CanonicalOrder): TestfreaksOrderRequest {
  const planned = testfreaksConnector.plan(order, new Map(), config);
  if (planned.kind !== "send") throw new Error(`expected a request, got skipped: ${planned.reason}`);
  return planned.request;
}

// Order #23301 as first sent (placed, nothing shipped yet) and as sent once USPS delivered it.
const placed = requestFor(orderFrom("orders-updated.tracking-delivered-usd", (snapshot) => void (snapshot.fulfillments = [])));
const delivered = requestFor(orderFrom("orders-updated.tracking-delivered-usd"));

// Item fields the document does not list: ignored, or refused with a 400 (docs/partners/testfreaks.md
// "Simulator variants"). The upsert contract holds against both.
describe.each([
  { partner: "ignores unknown item fields", rejectUnknownItemFields: false },
  { partner: "refuses unknown item fields", rejectUnknownItemFields: true },
])("push: POST /orders upserts by order.id, on a TestFreaks that $partner", ({ rejectUnknownItemFields }) => {
  beforeEach(async () => {
    await sim.close();
    sim = await startTestfreaksSimulator({ rejectUnknownItemFields });
  });

  it("given an order sent when placed, when it is sent again once delivered, then TestFreaks holds one order whose items gained their delivery date", async () => {
    const first = await testfreaksConnector.push(placed, contextFor(config));
    const afterFirst = sim.state.orders[0]?.items.map(({ id, delivery_date, reviewable }) => ({ id, delivery_date, reviewable }));
    const second = await testfreaksConnector.push(delivered, contextFor(config));

    expect(first).toEqual({ remoteId: "#23301", httpStatus: 200, sent: placed });
    expect(second).toEqual({ remoteId: "#23301", httpStatus: 200, sent: delivered });
    expect(afterFirst).toEqual([
      { id: "18500B", delivery_date: null, reviewable: true },
      { id: "5000B", delivery_date: null, reviewable: true },
    ]);
    expect(sim.state.orders).toHaveLength(1);
    expect(sim.state.orders[0]?.customer).toMatchObject({ id: "3633178509361", name: "Jane Doe", email: "jane.doe@example.com" });
    expect(sim.state.orders[0]?.items.map(({ id, delivery_date, reviewable }) => ({ id, delivery_date, reviewable }))).toEqual([
      { id: "18500B", delivery_date: "2021-02-22", reviewable: true },
      { id: "5000B", delivery_date: "2021-02-22", reviewable: true },
    ]);
  });

  it("given a stored order, when it is read back by its name, then the '#' survives the URL (encoded, not a fragment)", async () => {
    await testfreaksConnector.push(delivered, contextFor(config));
    const client = createTestfreaksClient(depsFor(sim.url), config);

    const order = await client.getOrder("#23301");

    expect(order?.id).toBe("#23301");
    expect(order?.customer?.id).toBe("3633178509361");
    expect(order?.items?.map((item) => item.id)).toEqual(["18500B", "5000B"]);
    expect(sim.log.at(-1)?.path).toBe("/orders/%2323301");
    expect(await client.getOrder("#404")).toBeNull();
  });

  it("given an order sent before it was cancelled, when the cancelled order is re-sent, then its items stay but are no longer reviewable", async () => {
    await testfreaksConnector.push(requestFor(orderFrom("orders-cancelled.sample", (snapshot) => void (snapshot.cancelledAt = null))), contextFor(config));
    const cancelled = requestFor(orderFrom("orders-cancelled.sample"));

    await testfreaksConnector.push(cancelled, contextFor(config));

    expect(sim.state.orders).toHaveLength(1);
    expect(sim.state.orders[0]?.items.map(({ id, reviewable, deleted }) => ({ id, reviewable, deleted }))).toEqual([
      { id: "SKU2006-001", reviewable: false, deleted: false },
      { id: "LENS-PROTECT-2YR", reviewable: false, deleted: false },
      { id: "CASE-LEATHER-PREM", reviewable: false, deleted: false },
      { id: "SKU2006-020", reviewable: false, deleted: false },
      { id: "SKU2006-035", reviewable: false, deleted: false },
    ]);
  });

  it("given a stored order, when a request names only one of its items, then the other item is kept (the API never deletes items)", async () => {
    await testfreaksConnector.push(delivered, contextFor(config));

    await testfreaksConnector.push({ order: { ...delivered.order, items: delivered.order.items.slice(0, 1) } }, contextFor(config));

    expect(sim.state.orders[0]?.items.map((item) => item.id)).toEqual(["18500B", "5000B"]);
  });
});

describe("failures are classified for the worker", () => {
  it("given a wrong API key, when an order is pushed, then it fails as credentials (401) and the key appears in no error or log", async () => {
    const wrongKey = "sk_wrong_key_123";
    const error = await pushError(placed, contextFor({ ...config, apiKey: wrongKey }));

    expect(error.failureClass).toBe("credentials");
    expect(error.httpStatus).toBe(401);
    expect(error.message).toBe("TestFreaks answered 401: Invalid API key.");
    expect(JSON.stringify(logLines)).not.toContain(wrongKey);
    expect(sim.state.orders).toHaveLength(0);
  });

  it("given the partner echoes the key in its error, when an order is pushed, then the error text carries no key", async () => {
    sim.knobs.failNext = { count: 1, status: 401, body: { errors: [{ message: `Unknown key ${TESTFREAKS_SIM_API_KEY}` }] } };

    const error = await pushError(placed, contextFor(config));

    expect(error.message).toBe("TestFreaks answered 401: Unknown key [redacted]");
  });

  it("given a key of another client configuration, when an order is pushed, then it fails as credentials (403)", async () => {
    const error = await pushError(placed, contextFor({ ...config, clientId: "other.example.com" }));

    expect(error.failureClass).toBe("credentials");
    expect(error.httpStatus).toBe(403);
  });

  it("given TestFreaks rate limits, when an order is pushed, then it fails as rate_limited with the Retry-After wait", async () => {
    sim.knobs.failNext = { count: 1, status: 429, headers: { "retry-after": "7" } };

    const error = await pushError(placed, contextFor(config));

    expect(error.failureClass).toBe("rate_limited");
    expect(error.retryAfterMs).toBe(7_000);
  });

  it("given a 500, when an order is pushed, then it fails as retryable", async () => {
    sim.knobs.failNext = { count: 1, status: 500 };

    const error = await pushError(placed, contextFor(config));

    expect(error.failureClass).toBe("retryable");
    expect(error.httpStatus).toBe(500);
  });

  it("given a 200 whose body carries errors, when an order is pushed, then it fails as permanent with the partner's message", async () => {
    sim.knobs.failNext = { count: 1, status: 200, body: { errors: [{ message: "Customer has opted out" }, "Item P001 is blocked"] } };

    const error = await pushError(placed, contextFor(config));

    expect(error.failureClass).toBe("permanent");
    expect(error.httpStatus).toBe(200);
    expect(error.message).toBe("TestFreaks answered 200: Customer has opted out; Item P001 is blocked");
  });

  it("given the simulator is down, when an order is pushed, then it fails as retryable with an uncertain outcome", async () => {
    const downUrl = sim.url;
    await sim.close();
    sim = await startTestfreaksSimulator(); // afterEach closes this one

    const error = await pushError(placed, contextFor(config, downUrl));

    expect(error.failureClass).toBe("retryable");
    expect(error.httpStatus).toBeNull();
    expect(error.uncertain).toBe(true);
  });
});

describe("the simulator rejects what the docs call invalid", () => {
  it("given a body without order.id, when it is posted, then the simulator answers 400 with the documented errors list", async () => {
    const response = await fetch(`${sim.url}/v1/orders?client_id=${TESTFREAKS_SIM_CLIENT_ID}`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${TESTFREAKS_SIM_API_KEY}` },
      body: JSON.stringify({ order: { customer: { id: "C001" }, items: [{ id: "P001", delivery_date: "2022-01-01" }] } }),
    });

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ errors: [{ message: "order.id is required." }] });
    expect(sim.state.orders).toHaveLength(0);
  });

  it("given a request whose customer id is missing and whose date is not YYYY-MM-DD, when the connector pushes it, then it fails as permanent naming both", async () => {
    const invalid = { order: { id: "#1002", customer: {}, items: [{ id: "P001", delivery_date: "02/01/2022" }] } } as unknown as TestfreaksOrderRequest;

    const error = await pushError(invalid, contextFor(config));

    expect(error.failureClass).toBe("permanent");
    expect(error.message).toBe("TestFreaks answered 400: order.customer.id is required.; order.items[0].delivery_date must be a date (YYYY-MM-DD).");
  });

  it("given a Basic password that is not empty, when a call is made, then the simulator refuses it as unauthenticated", async () => {
    const response = await fetch(`${sim.url}/orders?client_id=${TESTFREAKS_SIM_CLIENT_ID}`, {
      headers: { authorization: "Basic " + Buffer.from(`${TESTFREAKS_SIM_API_KEY}:secret`).toString("base64") },
    });

    expect(response.status).toBe(401);
  });
});

describe("listOrders pages through links.next", () => {
  it("given three orders, when they are listed two per page, then the second page holds the third and no next link", async () => {
    for (const id of ["#1", "#2", "#3"]) await testfreaksConnector.push({ order: { ...placed.order, id } }, contextFor(config));
    const client = createTestfreaksClient(depsFor(sim.url), config);

    const first = await client.listOrders({ limit: 2 });
    const second = await client.listOrders({ limit: 2, after: first.nextAfter ?? undefined });

    expect(first.orders.map((order) => order.id)).toEqual(["#1", "#2"]);
    expect(first.nextAfter).not.toBeNull();
    expect(second.orders.map((order) => order.id)).toEqual(["#3"]);
    expect(second.nextAfter).toBeNull();
    expect((await client.listOrders({ customerEmail: "nobody@example.com" })).orders).toEqual([]);
  });
});

describe("verify: the admin's Test connection", () => {
  it("given the right key and client id, then the connection is valid", async () => {
    const result = await testfreaksConnector.verify(config, depsFor(sim.url));

    expect(result).toEqual({ status: "valid", message: "Connected to TestFreaks for client id sim.example.com." });
  });

  it("given a wrong key, then the credentials are reported invalid without echoing the key", async () => {
    const result = await testfreaksConnector.verify({ ...config, apiKey: "sk_wrong_key_123" }, depsFor(sim.url));

    expect(result.status).toBe("invalid_credentials");
    expect(result.message).toContain("TestFreaks refused the API key");
    expect(result.message).not.toContain("sk_wrong_key_123");
  });

  it("given the partner is down, then it is reported unreachable", async () => {
    const downUrl = sim.url;
    await sim.close();
    sim = await startTestfreaksSimulator();

    const result = await testfreaksConnector.verify(config, depsFor(downUrl));

    expect(result.status).toBe("unreachable");
    expect(result.message).toMatch(/^TestFreaks could not be reached/);
  });

  it("given a 503, then it is reported unreachable", async () => {
    sim.knobs.failNext = { count: 1, status: 503 };

    const result = await testfreaksConnector.verify(config, depsFor(sim.url));

    expect(result.status).toBe("unreachable");
  });
});
