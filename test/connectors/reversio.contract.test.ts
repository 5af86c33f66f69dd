// The Revers.io connector against the local stand-in of its API
// (test/simulators/reversio.ts), over real HTTP on loopback.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { reversioConnector, REVERSIO_PRODUCTION_URL, REVERSIO_SANDBOX_URL } from "~/connectors/reversio";
import { createReversioClient, SECRET_FORM_CACHE_KIND } from "~/connectors/reversio/client";
import { CREATED_MODEL_FLAGS } from "~/connectors/reversio/models";
import type { ReversioPlanRequest } from "~/connectors/reversio/map";
import { reversioConfigSchema, type ReversioConfig, type ReversioImportOrderRequest } from "~/connectors/reversio/schema";
import { PartnerError, SyncSkipped } from "~/connectors/errors";
import type { ClientDeps, PushContext } from "~/connectors/types";
import { silentLogger } from "~/logger";
import { buildCanonicalOrder } from "~/orders/build";
import { parseJsonLossless } from "~/orders/json";
import { extractOrderSnapshot } from "~/orders/read-webhook";
import { memoryPartnerCache } from "~/sync/partner-cache.server";
import { loadFixture } from "../fixtures/shopify/index";
import { REVERSIO_SIM_KEYS, REVERSIO_SIM_MODEL_TYPE_ID, startReversioSimulator, type ReversioSimulator } from "../simulators/reversio";

const config: ReversioConfig = reversioConfigSchema.parse({ ...REVERSIO_SIM_KEYS });

// The GBP-presentment fixture's order (#29448, shop money EUR) as planned for Revers.io:
// one unit of SKU WS6P25, shipped to Norwich.
const wineOrder: ReversioPlanRequest = {
  orderReference: "#29448",
  civility: "NotSet",
  customerLastName: "Doe",
  customerFirstName: "Jane",
  address: { streetAddress: "1 EXAMPLE WAY", zipCode: "NR14 7UX", city: "NORWICH", countryCode: "GB", phone: "07700 900000" },
  phoneNumber: "+447700900000",
  customerMail: "jane.doe@example.com",
  purchaseDateUtc: "2025-10-28T15:17:49.000Z",
  products: [
    {
      orderLineReference: "35405307838795-1",
      price: { amount: 162.04, currency: "EUR" },
      sku: "WS6P25",
      brandName: "WineSpark",
      label: "This Is WineSpark 6-pack",
      photoUrl: "https://cdn.example.com/ws6p25.jpg",
    },
  ],
  shippingPrice: { amount: 0, currency: "EUR" },
  salesChannel: "Shopify",
  linesWithoutSku: [],
};

let sim: ReversioSimulator;
let clock: Date;

beforeEach(async () => {
  clock = new Date("2025-10-29T09:00:00Z");
  sim = await startReversioSimulator({ now: () => clock });
});
afterEach(async () => {
  await sim.close();
});

function depsFor(baseUrl = sim.apiUrl, fetch: typeof globalThis.fetch = globalThis.fetch): ClientDeps {
  return { fetch, now: () => clock, logger: silentLogger, baseUrl };
}

function contextFor(overrides: Partial<PushContext<ReversioConfig>> = {}): PushContext<ReversioConfig> {
  return {
    shop: "winespark.myshopify.com",
    config,
    remoteId: null,
    previousOutcomeUncertain: false,
    cache: memoryPartnerCache(() => clock),
    deps: depsFor(),
    ...overrides,
  };
}

/** The requests the simulator saw, as "METHOD /path status", without the /api/v1 prefix. */
function calls(): string[] {
  return sim.log.map((r) => `${r.method} ${r.path.replace(/^\/api\/v1/, "")} ${r.status}`);
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (caught: unknown) => caught,
  );
}

describe("push: a known SKU is imported as one product per unit", () => {
  it("given a model for WS6P25, when the order is pushed, then Revers.io stores the body with that modelId and the answer's uuid is the remote id", async () => {
    const model = sim.addModel({ sku: "WS6P25", label: "This Is WineSpark 6-pack", brandName: "WineSpark" });

    const result = await reversioConnector.push(wineOrder, contextFor());

    const stored = sim.state.findOrder("#29448");
    expect(result).toEqual({ remoteId: stored?.id, httpStatus: 200, sent: stored?.body });
    expect(stored?.body).toEqual({
      orderReference: "#29448",
      civility: "NotSet",
      customerLastName: "Doe",
      customerFirstName: "Jane",
      address: { streetAddress: "1 EXAMPLE WAY", zipCode: "NR14 7UX", city: "NORWICH", countryCode: "GB", phone: "07700 900000" },
      phoneNumber: "+447700900000",
      customerMail: "jane.doe@example.com",
      purchaseDateUtc: "2025-10-28T15:17:49.000Z",
      products: [{ modelId: model.id, price: { amount: 162.04, currency: "EUR" }, orderLineReference: "35405307838795-1" }],
      shippingPrice: { amount: 0, currency: "EUR" },
      salesChannel: "Shopify",
    });
    expect(calls()).toEqual(["GET /token 200", "GET /catalog/models/bySku/WS6P25 200", "PUT /orders 200"]);
  });
});

describe("the real GBP-presentment fixture, planned and pushed", () => {
  it("given the order planned from orders-create.gbp-presentment (import on create), then the simulator accepts the body the connector sends", async () => {
    const model = sim.addModel({ sku: "WS6P25" });
    const extracted = extractOrderSnapshot(parseJsonLossless(loadFixture("orders-create.gbp-presentment")));
    if (!extracted.ok) throw new Error(extracted.error);
    const settings = { ...config, importTrigger: "created" as const };
    const plan = reversioConnector.plan(buildCanonicalOrder("winespark.myshopify.com", extracted.snapshot), new Map(), settings);
    if (plan.kind !== "send") throw new Error(plan.reason);

    const result = await reversioConnector.push(plan.request, contextFor({ config: settings }));

    expect(result.remoteId).toBe(sim.state.findOrder("#29448")?.id);
    expect(sim.state.findOrder("#29448")?.body.products).toEqual([{ modelId: model.id, price: { amount: 162.04, currency: "EUR" }, orderLineReference: "35405307838795-1" }]);
  });
});

describe("token", () => {
  it("given two orders pushed with the same shop cache, then one token serves both and the model found for the first is remembered", async () => {
    sim.addModel({ sku: "WS6P25" });
    const cache = memoryPartnerCache(() => clock);

    await reversioConnector.push(wineOrder, contextFor({ cache }));
    await reversioConnector.push({ ...wineOrder, orderReference: "#29449" }, contextFor({ cache }));

    expect(sim.state.tokensIssued).toBe(1);
    expect(calls()).toEqual(["GET /token 200", "GET /catalog/models/bySku/WS6P25 200", "PUT /orders 200", "PUT /orders 200"]);
  });

  it("given a cached token within a minute of its exp, when a call is made, then a new token is fetched first (no 401 on the way)", async () => {
    const client = createReversioClient(
      depsFor(),
      config,
      memoryPartnerCache(() => clock),
    );
    await client.listModelTypes();

    clock = new Date(clock.getTime() + 59 * 60_000 + 30_000); // 30 s before the one-hour exp
    await client.listModelTypes();

    expect(sim.state.tokensIssued).toBe(2);
    expect(calls()).toEqual(["GET /token 200", "GET /catalog/modelTypes 200", "GET /token 200", "GET /catalog/modelTypes 200"]);
  });

  it("given the token expires mid-run (between the model lookup and the import), then one 401 earns one new token and the import succeeds", async () => {
    sim.addModel({ sku: "WS6P25" });
    let expired = false;
    const expireBeforeFirstImport: typeof globalThis.fetch = (input, init) => {
      if (!expired && init?.method === "PUT" && String(input).endsWith("/orders")) {
        expired = true;
        sim.expireTokens();
      }
      return globalThis.fetch(input, init);
    };

    const result = await reversioConnector.push(wineOrder, contextFor({ deps: depsFor(sim.apiUrl, expireBeforeFirstImport) }));

    expect(calls()).toEqual(["GET /token 200", "GET /catalog/models/bySku/WS6P25 200", "PUT /orders 401", "GET /token 200", "PUT /orders 200"]);
    expect(sim.state.orders).toHaveLength(1);
    expect(result.remoteId).toBe(sim.state.orders[0]?.id);
  });

  it("given a 401 that a fresh token does not cure, then the failure is a credentials PartnerError after exactly one retry", async () => {
    const client = createReversioClient(
      depsFor(),
      config,
      memoryPartnerCache(() => clock),
    );
    await client.listModelTypes();
    // The call, then the new token with the secret as a header, then with ?secret=: all refused.
    sim.knobs.failNext = { count: 3, status: 401, body: { statusCode: 401, message: "Unauthorized. Access token is missing or invalid." } };

    const error = await rejection(client.listModelTypes());

    expect(error).toBeInstanceOf(PartnerError);
    expect(error).toMatchObject({ failureClass: "credentials", httpStatus: 401 });
    expect(calls()).toEqual(["GET /token 200", "GET /catalog/modelTypes 200", "GET /catalog/modelTypes 401", "GET /token 401", "GET /token 401"]);
  });

  it("given a 403, then it is a credentials failure without a token refresh", async () => {
    const client = createReversioClient(
      depsFor(),
      config,
      memoryPartnerCache(() => clock),
    );
    await client.listModelTypes();
    sim.knobs.failNext = { count: 1, status: 403, body: { statusCode: 403, message: "The authentication you provided does not allow this action" } };

    const error = await rejection(client.listBrands());

    expect(error).toMatchObject({ failureClass: "credentials", httpStatus: 403 });
    expect((error as Error).message).toContain("The authentication you provided does not allow this action");
  });
});

describe("models: SKU -> modelId", () => {
  it("given no model for the SKU and creation allowed with a model type, then a brand (the vendor) and a model are created and used", async () => {
    const cache = memoryPartnerCache(() => clock);
    const allowed = { ...config, createMissingModels: true, modelTypeId: REVERSIO_SIM_MODEL_TYPE_ID };

    await reversioConnector.push(wineOrder, contextFor({ config: allowed, cache }));

    expect(sim.state.brands).toEqual([{ id: expect.any(String), name: "WineSpark" }]);
    expect(sim.state.models).toEqual([
      {
        id: expect.any(String),
        sKU: "WS6P25",
        label: "This Is WineSpark 6-pack",
        brandId: sim.state.brands[0]?.id,
        modelTypeId: REVERSIO_SIM_MODEL_TYPE_ID,
        eANs: [],
        photoUrl: "https://cdn.example.com/ws6p25.jpg",
        additionalInformation: { ...CREATED_MODEL_FLAGS },
        state: "New",
      },
    ]);
    const modelId = sim.state.models[0]?.id;
    expect(sim.state.findOrder("#29448")?.body.products).toEqual([{ modelId, price: { amount: 162.04, currency: "EUR" }, orderLineReference: "35405307838795-1" }]);
    expect(await cache.get("model", "WS6P25")).toBe(modelId);
  });

  it("given a brand that already exists under another case, then it is reused, not created again", async () => {
    sim.addModel({ sku: "OTHER-1", brandName: "winespark" });
    const allowed = { ...config, createMissingModels: true, modelTypeId: REVERSIO_SIM_MODEL_TYPE_ID };

    await reversioConnector.push(wineOrder, contextFor({ config: allowed }));

    expect(sim.state.brands.map((b) => b.name)).toEqual(["winespark"]);
    expect(sim.state.findModelBySku("WS6P25")?.brandId).toBe(sim.state.brands[0]?.id);
  });

  it("given no model for the SKU and creation not allowed, then the order is skipped naming the SKU, and nothing is created or imported", async () => {
    const error = await rejection(reversioConnector.push(wineOrder, contextFor()));

    expect(error).toBeInstanceOf(SyncSkipped);
    expect((error as Error).message).toBe("Revers.io has no model for SKU WS6P25: create it in Revers.io, map the SKU to a model in the app, or let the app create missing models");
    expect(sim.state.models).toEqual([]);
    expect(sim.state.orders).toEqual([]);
  });

  it("given creation allowed but no model type set, then the order is skipped saying a model type is needed", async () => {
    const error = await rejection(reversioConnector.push(wineOrder, contextFor({ config: { ...config, createMissingModels: true } })));

    expect(error).toBeInstanceOf(SyncSkipped);
    expect((error as Error).message).toContain("creating one needs a model type");
    expect(sim.state.models).toEqual([]);
  });

  it("given the merchant mapped WS6P25 to a model by hand, then that model is used without a catalog lookup", async () => {
    const pinned = sim.addModel({ sku: "WINESPARK-6-2025", label: "WineSpark 6-pack (2025 vintage)" });
    sim.addModel({ sku: "WS6P25", label: "a model the lookup would have found" });
    const cache = memoryPartnerCache(() => clock);
    await cache.set("model", "WS6P25", pinned.id);

    await reversioConnector.push(wineOrder, contextFor({ cache }));

    expect(sim.state.findOrder("#29448")?.body.products).toEqual([{ modelId: pinned.id, price: { amount: 162.04, currency: "EUR" }, orderLineReference: "35405307838795-1" }]);
    expect(calls().some((c) => c.includes("bySku"))).toBe(false);
  });
});

describe("business errors are permanent, with Revers.io's own message", () => {
  it("given an ImportOrder body in USD, when the client sends it, then the simulator's 400 becomes a permanent PartnerError carrying its message", async () => {
    const model = sim.addModel({ sku: "WS6P25" });
    const client = createReversioClient(
      depsFor(),
      config,
      memoryPartnerCache(() => clock),
    );
    const usdBody = {
      orderReference: "#1001",
      civility: "NotSet",
      purchaseDateUtc: "2024-02-02T10:00:00.000Z",
      products: [{ modelId: model.id, price: { amount: 10, currency: "USD" }, orderLineReference: "1-1" }],
      shippingPrice: { amount: 0, currency: "USD" },
      salesChannel: "Shopify",
    } as unknown as ReversioImportOrderRequest;

    const error = await rejection(client.importOrder(usdBody));

    expect(error).toBeInstanceOf(PartnerError);
    expect(error).toMatchObject({ failureClass: "permanent", httpStatus: 400 });
    expect((error as Error).message).toBe("Revers.io answered 400: Currency USD is not supported: use EUR or GBP.");
    expect(sim.state.orders).toEqual([]);
  });

  it("given a remembered model id that no longer exists in Revers.io, then the import fails for good with Revers.io's message", async () => {
    const cache = memoryPartnerCache(() => clock);
    await cache.set("model", "WS6P25", "0b5e0c8e-2f51-4f39-a0a8-3c1d2e4f5a6b");

    const error = await rejection(reversioConnector.push(wineOrder, contextFor({ cache })));

    expect(error).toMatchObject({
      failureClass: "permanent",
      httpStatus: 400,
      message: "Revers.io answered 400: Model 0b5e0c8e-2f51-4f39-a0a8-3c1d2e4f5a6b does not exist.",
    });
  });

  it("given a 200 whose envelope says failure, then it is a permanent PartnerError with the partner's messages", async () => {
    sim.addModel({ sku: "WS6P25" });
    const cache = memoryPartnerCache(() => clock);
    const client = createReversioClient(depsFor(), config, cache);
    await client.listModelTypes(); // token in cache, so the next request is the import itself
    sim.knobs.failNext = {
      count: 1,
      status: 200,
      body: { value: null, errors: [{ code: "StoreNotFound", message: "  The store does not exist.  ", field: "storePurchasedAt", isWarning: false }], failure: true, isHandledError: true },
    };

    const error = await rejection(reversioConnector.push(wineOrder, contextFor({ cache })));

    expect(error).toMatchObject({ failureClass: "permanent", httpStatus: 200, message: "Revers.io answered 200: The store does not exist." });
  });
});

describe("an imported order is final; an uncertain attempt is checked before resending", () => {
  it("given the order already has a remote id, then push returns it without calling Revers.io", async () => {
    const result = await reversioConnector.push(wineOrder, contextFor({ remoteId: "0d9f3c1e-7a55-4c8e-9d0f-1b2a3c4d5e6f" }));

    expect(result).toEqual({ remoteId: "0d9f3c1e-7a55-4c8e-9d0f-1b2a3c4d5e6f", httpStatus: 200, sent: null });
    expect(sim.log).toEqual([]);
  });

  it("given the previous attempt timed out but Revers.io has the order, then it is not sent a second time", async () => {
    sim.addModel({ sku: "WS6P25" });
    const cache = memoryPartnerCache(() => clock);
    const first = await reversioConnector.push(wineOrder, contextFor({ cache }));

    const retry = await reversioConnector.push(wineOrder, contextFor({ cache, previousOutcomeUncertain: true }));

    expect(retry).toEqual({ remoteId: first.remoteId, httpStatus: 200, sent: null });
    expect(calls().filter((c) => c.startsWith("PUT /orders"))).toEqual(["PUT /orders 200"]);
    // The reference starts with '#': it reaches Revers.io encoded, not cut off as a fragment.
    expect(calls()).toContain("GET /orders/%2329448/status 200");
  });

  it("given the previous attempt timed out and Revers.io does not know the order, then it is sent", async () => {
    sim.addModel({ sku: "WS6P25" });

    const result = await reversioConnector.push(wineOrder, contextFor({ previousOutcomeUncertain: true }));

    expect(calls()).toEqual(["GET /token 200", "GET /orders/%2329448/status 404", "GET /catalog/models/bySku/WS6P25 200", "PUT /orders 200"]);
    expect(result.remoteId).toBe(sim.state.findOrder("#29448")?.id);
  });
});

describe("verify", () => {
  it("given the simulator's keys, then the connection is valid", async () => {
    const result = await reversioConnector.verify(config, depsFor());

    expect(result).toEqual({ status: "valid", message: "Revers.io issued an access token (valid until 2025-10-29T10:00:00.000Z)" });
  });

  it("given a wrong secret value, then the credentials are invalid, both forms of the secret having been tried", async () => {
    const result = await reversioConnector.verify({ ...config, secretValue: "not-the-secret" }, depsFor());

    expect(result).toEqual({
      status: "invalid_credentials",
      message: "Revers.io answered 401: Access denied due to invalid secret value. (the secret value was refused both as the Ocp-Apim-Secret-Value header and as ?secret=)",
    });
    expect(sim.state.tokenRequests).toEqual([
      { carried: "header", status: 401 },
      { carried: "query", status: 401 },
    ]);
  });

  it("given an unknown subscription key, then the credentials are invalid", async () => {
    const result = await reversioConnector.verify({ ...config, subscriptionKey: "someone-elses-key" }, depsFor());

    expect(result.status).toBe("invalid_credentials");
  });

  it("given nothing listening at the base URL, then Revers.io is unreachable", async () => {
    const url = sim.apiUrl;
    await sim.close();
    sim = await startReversioSimulator(); // afterEach closes this one

    const result = await reversioConnector.verify(config, depsFor(url));

    expect(result.status).toBe("unreachable");
  });
});

describe("baseUrl", () => {
  it("uses REVERSIO_API_URL when set, else the sandbox or production host from the settings", () => {
    expect(reversioConnector.baseUrl(config, { REVERSIO_API_URL: "http://127.0.0.1:4010/api/v1" })).toBe("http://127.0.0.1:4010/api/v1");
    expect(reversioConnector.baseUrl({ ...config, environment: "sandbox" }, {})).toBe(REVERSIO_SANDBOX_URL);
    expect(reversioConnector.baseUrl(config, {})).toBe(REVERSIO_PRODUCTION_URL);
    expect(REVERSIO_SANDBOX_URL).toBe("https://demo-customer-api.revers.io/api/v1");
    expect(REVERSIO_PRODUCTION_URL).toBe("https://customer-api.revers.io/api/v1");
  });
});

// Where GET /token takes the secret is left open (docs/partners/reversio.md "Auth"): the
// connector runs against each way Revers.io could answer it.
const SECRET_FORM_VARIANTS = [
  { partner: "takes the secret either way", secretForms: ["header", "query"], accepted: "header" },
  { partner: "takes the secret only as the Ocp-Apim-Secret-Value header (the portal's reading)", secretForms: ["header"], accepted: "header" },
  { partner: "takes the secret only as ?secret= (its Magento module's reading)", secretForms: ["query"], accepted: "query" },
] as const;

describe.each(SECRET_FORM_VARIANTS)("a Revers.io that $partner", ({ secretForms, accepted }) => {
  let variant: ReversioSimulator;
  beforeEach(async () => {
    variant = await startReversioSimulator({ now: () => clock, secretForms: [...secretForms] });
    variant.addModel({ sku: "WS6P25" });
  });
  afterEach(async () => {
    await variant.close();
  });
  const contextOn = (cache = memoryPartnerCache(() => clock), settings = config) => contextFor({ cache, config: settings, deps: depsFor(variant.apiUrl) });
  const firstToken =
    accepted === "header"
      ? [{ carried: "header", status: 200 }]
      : [
          { carried: "header", status: 401 },
          { carried: "query", status: 200 },
        ];

  it("given a shop's first order, then it is imported: the header form first, ?secret= once if the header was refused", async () => {
    const result = await reversioConnector.push(wineOrder, contextOn());

    expect(result.remoteId).toBe(variant.state.findOrder("#29448")?.id);
    expect(variant.state.tokenRequests).toEqual(firstToken);
  });

  it("given the first token expired, then the next one is asked for once, in the form that worked (remembered for the shop)", async () => {
    const cache = memoryPartnerCache(() => clock);
    await reversioConnector.push(wineOrder, contextOn(cache));

    clock = new Date(clock.getTime() + 2 * 60 * 60_000);
    await reversioConnector.push({ ...wineOrder, orderReference: "#29449" }, contextOn(cache));

    expect(variant.state.tokenRequests).toEqual([...firstToken, { carried: accepted, status: 200 }]);
    expect([...cache.entries.entries()].filter(([id]) => id.startsWith(`${SECRET_FORM_CACHE_KIND}\u0000`)).map(([, entry]) => entry)).toEqual([{ value: accepted, expiresAt: null }]);
  });

  it("given a wrong secret, then each form is tried once and the failure is refused credentials (the partner is paused)", async () => {
    const error = await rejection(reversioConnector.push(wineOrder, contextOn(undefined, { ...config, secretValue: "not-the-secret" })));

    expect(error).toMatchObject({ failureClass: "credentials", httpStatus: 401 });
    expect(variant.state.tokenRequests.map((r) => [r.carried, r.status])).toEqual([
      ["header", 401],
      ["query", 401],
    ]);
    expect(variant.state.orders).toEqual([]);
  });

  it("given the right keys, then Test connection says valid", async () => {
    const result = await reversioConnector.verify(config, depsFor(variant.apiUrl));

    expect(result.status).toBe("valid");
  });
});

describe("the secret's form, when Revers.io changes its mind", () => {
  it("given a shop remembered for ?secret= and a Revers.io that now takes only the header, then the header is tried once and remembered instead", async () => {
    const cache = memoryPartnerCache(() => clock);
    const client = createReversioClient(depsFor(), config, cache);
    sim.setSecretForms(["query"]);
    await client.listModelTypes();

    sim.setSecretForms(["header"]);
    clock = new Date(clock.getTime() + 2 * 60 * 60_000);
    await client.listModelTypes();
    clock = new Date(clock.getTime() + 2 * 60 * 60_000);
    await client.listModelTypes();

    expect(sim.state.tokenRequests).toEqual([
      { carried: "header", status: 401 },
      { carried: "query", status: 200 },
      { carried: "query", status: 401 },
      { carried: "header", status: 200 },
      { carried: "header", status: 200 },
    ]);
  });
});

describe("the secret stays out of error texts", () => {
  it("given a Revers.io that takes the header only and quotes the refused request line, then the error of a wrong secret carries no secret", async () => {
    const echoing = await startReversioSimulator({ now: () => clock, secretForms: ["header"], echoRequestOnRefusal: true });
    try {
      const secretValue = "wrong secret/with+odd&chars";
      const error = await rejection(reversioConnector.push(wineOrder, contextFor({ config: { ...config, secretValue }, deps: depsFor(echoing.apiUrl) })));

      expect(error).toMatchObject({ failureClass: "credentials" });
      const message = (error as Error).message;
      expect(message).toContain("Request: GET /api/v1/token?secret=[redacted]");
      expect(message).not.toContain(secretValue);
      expect(message).not.toContain(encodeURIComponent(secretValue));
    } finally {
      await echoing.close();
    }
  });
});

describe("models the app creates carry the return flags", () => {
  it("given a model created for an unknown SKU, then Revers.io holds it as returnable and the imported order's line is open for claims", async () => {
    const allowed = { ...config, createMissingModels: true, modelTypeId: REVERSIO_SIM_MODEL_TYPE_ID };
    const cache = memoryPartnerCache(() => clock);

    await reversioConnector.push(wineOrder, contextFor({ config: allowed, cache }));

    expect(sim.state.findModelBySku("WS6P25")?.additionalInformation).toEqual(CREATED_MODEL_FLAGS);
    expect(CREATED_MODEL_FLAGS).toMatchObject({ isReturnable: true, isTransportable: true });
    const status = await createReversioClient(depsFor(), config, cache).getOrderStatus("#29448");
    expect(status?.orderLines).toEqual([expect.objectContaining({ orderLineReference: "35405307838795-1", isOpenForClaims: true })]);
  });
});
