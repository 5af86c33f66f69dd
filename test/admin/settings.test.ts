// The partner settings route on the server, no browser: its loader and action
// called with requests authenticated exactly as the embedded admin sends them
// (a session token signed with the app secret, as a Bearer header).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { UNSAFE_DataWithResponseInit } from "@remix-run/router";
import { createAppContext, type AppContext } from "~/context.server";
import { connectors } from "~/connectors/registry";
import { PARTNERS, type PartnerId } from "~/connectors/types";
import { silentLogger } from "~/logger";
import { PARTNER_FIELDS } from "~/admin/partner-fields";
import type { SettingsActionResult } from "~/admin/partner-settings.server";
import type { ModelMappings } from "~/connectors/reversio/settings-page.server";
import { installShopLocally } from "~/shopify/install.server";
import { prismaPartnerCache } from "~/sync/partner-cache.server";
import { savePartnerConfig } from "~/sync/partner-config.server";
import { action, loader } from "~/routes/app.partners.$partner";
import { createTestDb, type TestDb } from "../support/db";
import { testEnv, TEST_SECRET } from "../support/harness";
import { startTestfreaksSimulator, TESTFREAKS_SIM_API_KEY, TESTFREAKS_SIM_CLIENT_ID, type TestfreaksSimulator } from "../simulators/testfreaks";
import { mintSessionToken } from "../support/session-token";

const SHOP_A = "alpha.myshopify.com";
const SHOP_B = "bravo.myshopify.com";
const API_KEY = "test-api-key";
const APP_URL = "http://127.0.0.1:3000";
const MODEL_ID = "3f1c2a9e-8d4b-4c1e-9a7f-2b6d5e8c0a11";

let store: TestDb;
let ctx: AppContext;
let sim: TestfreaksSimulator;

beforeAll(async () => {
  sim = await startTestfreaksSimulator();
  store = await createTestDb();
  ctx = createAppContext(testEnv({ DATABASE_URL: store.url, TESTFREAKS_API_URL: sim.url }), { db: store.db, logger: silentLogger });
  // The routes read the process's context (appContext()).
  globalThis.__partnerSyncContext = ctx;
  await installShopLocally(store.db, SHOP_A);
  await installShopLocally(store.db, SHOP_B);
});

afterAll(async () => {
  globalThis.__partnerSyncContext = undefined;
  await store?.close();
  await sim?.close();
});

beforeEach(async () => {
  await store.db.partnerConfig.deleteMany();
  await store.db.partnerCache.deleteMany();
});

const bearer = (shop: string, overrides: { secret?: string; apiKey?: string } = {}) =>
  `Bearer ${mintSessionToken({ shop, apiKey: overrides.apiKey ?? API_KEY, secret: overrides.secret ?? TEST_SECRET })}`;

async function load(shop: string, partner: string, search = "") {
  const request = new Request(`${APP_URL}/app/partners/${partner}${search}`, { headers: { Authorization: bearer(shop) } });
  return loader({ request, params: { partner }, context: {} });
}

async function act(shop: string, partner: string, fields: Record<string, string>, auth = bearer(shop)) {
  const body = new FormData();
  for (const [key, value] of Object.entries(fields)) body.set(key, value);
  const request = new Request(`${APP_URL}/app/partners/${partner}`, { method: "POST", headers: { Authorization: auth }, body });
  const answer = (await action({ request, params: { partner }, context: {} })) as unknown as UNSAFE_DataWithResponseInit<SettingsActionResult>;
  return { status: answer.init?.status ?? 200, result: answer.data };
}

/** Revers.io's SKU mapping on its settings page (its settings widget's data). */
const mappingsOf = (page: Awaited<ReturnType<typeof load>>) => page.view.widget as ModelMappings | null;

/** What a route throws (the library's auth responses, 404s), as a Response. */
async function thrown(promise: Promise<unknown>): Promise<Response> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Response) return error;
    throw error;
  }
  throw new Error("expected the route to throw a Response");
}

const row = (shop: string, partner: PartnerId) => store.db.partnerConfig.findUnique({ where: { shop_partner: { shop, partner } } });

describe("the form's fields", () => {
  it("cover exactly each partner's zod schema, with the connector's secrets as secret fields", () => {
    for (const partner of PARTNERS) {
      const schema = connectors[partner].configSchema as unknown as { shape: Record<string, unknown> };
      const fields = PARTNER_FIELDS[partner];
      expect(fields.map((f) => f.key).sort(), partner).toEqual(Object.keys(schema.shape).sort());
      expect(
        fields
          .filter((f) => f.kind === "secret")
          .map((f) => f.key)
          .sort(),
        partner,
      ).toEqual([...connectors[partner].secretKeys].sort());
    }
  });
});

describe("saving settings", () => {
  it("answers bad values with a message per field (400), stores nothing", async () => {
    const { status, result } = await act(SHOP_A, "testfreaks", { intent: "save", apiKey: "pk wrong", clientId: "has spaces", itemIdSource: "colour", orderIdSource: "name" });
    expect(status).toBe(400);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.fieldErrors).toEqual({
      apiKey: "A TestFreaks API key has no spaces or line breaks inside: paste the key alone.",
      clientId: "The TestFreaks client id has no spaces (e.g. example.com).",
      itemIdSource: "Choose how products are identified at TestFreaks: by SKU or by variant id.",
    });
    expect(await row(SHOP_A, "testfreaks")).toBeNull();
  });

  it("answers a first save without the secret with 'required' on that field", async () => {
    const { status, result } = await act(SHOP_A, "testfreaks", { intent: "save", apiKey: "", clientId: TESTFREAKS_SIM_CLIENT_ID });
    expect(status).toBe(400);
    expect(!result.ok && result.fieldErrors.apiKey).toBe("Enter your TestFreaks API key.");
  });

  it("checks Revers.io's options: environment, trigger, uuids, the checkbox", async () => {
    const { status, result } = await act(SHOP_A, "reversio", {
      intent: "save",
      subscriptionKey: "sub",
      secretValue: "sec",
      environment: "staging",
      importTrigger: "paid",
      storePurchasedAt: "store-1",
      modelTypeId: "",
      createMissingModels: "true",
    });
    expect(status).toBe(400);
    expect(!result.ok && Object.keys(result.fieldErrors).sort()).toEqual(["environment", "importTrigger", "storePurchasedAt"]);

    const fixed = await act(SHOP_A, "reversio", {
      intent: "save",
      subscriptionKey: "sub",
      secretValue: "sec",
      environment: "sandbox",
      importTrigger: "created",
      storePurchasedAt: "",
      modelTypeId: MODEL_ID,
      createMissingModels: "true",
      salesChannel: "",
    });
    expect(fixed.result.ok).toBe(true);
    const view = (await load(SHOP_A, "reversio")).view;
    // Empty optional fields fall back to the schema's defaults / stay unset.
    expect(view.values).toMatchObject({ environment: "sandbox", importTrigger: "created", storePurchasedAt: "", modelTypeId: MODEL_ID, createMissingModels: true, salesChannel: "Shopify" });
  });

  it("answers an action it does not know with a form message, not a 500", async () => {
    const { status, result } = await act(SHOP_A, "testfreaks", { intent: "drop-tables" });
    expect(status).toBe(400);
    expect(!result.ok && result.formError).toMatch(/does not know/);
  });

  it("never sends a secret to the page: the loader says it is set and when", async () => {
    await act(SHOP_A, "testfreaks", { intent: "save", apiKey: TESTFREAKS_SIM_API_KEY, clientId: TESTFREAKS_SIM_CLIENT_ID });
    const data = await load(SHOP_A, "testfreaks");
    expect(JSON.stringify(data)).not.toContain(TESTFREAKS_SIM_API_KEY);
    expect(data.view.values).toMatchObject({ apiKey: "", clientId: TESTFREAKS_SIM_CLIENT_ID, itemIdSource: "sku" });
    expect(data.view.secrets.apiKey).toEqual({ set: true, changedAt: expect.stringMatching(/^\d{1,2} \w{3} \d{4}, \d{2}:\d{2} UTC$/) });
    expect(data.view).toMatchObject({ configured: true, enabled: true, pausedReason: null });
  });

  it("keeps the stored secret when its field is left empty, and changes the rest", async () => {
    await act(SHOP_A, "testfreaks", { intent: "save", apiKey: TESTFREAKS_SIM_API_KEY, clientId: TESTFREAKS_SIM_CLIENT_ID });
    const before = await row(SHOP_A, "testfreaks");
    const { result } = await act(SHOP_A, "testfreaks", { intent: "save", apiKey: "", clientId: TESTFREAKS_SIM_CLIENT_ID, itemIdSource: "variant_id" });
    expect(result.ok).toBe(true);
    const after = await row(SHOP_A, "testfreaks");
    expect(after!.secretsUpdatedAt).toEqual(before!.secretsUpdatedAt);
    const view = (await load(SHOP_A, "testfreaks")).view;
    expect(view.values.itemIdSource).toBe("variant_id");
    // And the kept key still works
    const test = await act(SHOP_A, "testfreaks", { intent: "test", apiKey: "", clientId: TESTFREAKS_SIM_CLIENT_ID });
    expect(test.result).toMatchObject({ ok: true, verify: { status: "valid" } });
  });

  it("says a partner held by an uninstall is paused for that, not for its credentials (the hold reason column, whatever the sentence)", async () => {
    await act(SHOP_A, "testfreaks", { intent: "save", apiKey: TESTFREAKS_SIM_API_KEY, clientId: TESTFREAKS_SIM_CLIENT_ID });
    expect((await load(SHOP_A, "testfreaks")).view.status).toEqual({ label: "Active", tone: "success", credentialsRefused: false });
    await store.db.partnerConfig.update({
      where: { shop_partner: { shop: SHOP_A, partner: "testfreaks" } },
      data: { holdReason: "uninstalled", pausedReason: "The app was uninstalled from this shop", pausedAt: new Date() },
    });
    expect((await load(SHOP_A, "testfreaks")).view.status).toEqual({ label: "Paused: app uninstalled", tone: "critical", credentialsRefused: false });
  });

  it("shows a credentials pause with its reason; saving clears it; a merchant's pause survives a save", async () => {
    await act(SHOP_A, "testfreaks", { intent: "save", apiKey: TESTFREAKS_SIM_API_KEY, clientId: TESTFREAKS_SIM_CLIENT_ID });
    await store.db.partnerConfig.update({
      where: { shop_partner: { shop: SHOP_A, partner: "testfreaks" } },
      data: { holdReason: "credentials_refused", pausedReason: "TestFreaks answered 401: Invalid API key.", pausedAt: new Date() },
    });
    expect((await load(SHOP_A, "testfreaks")).view).toMatchObject({
      pausedReason: "TestFreaks answered 401: Invalid API key.",
      status: { label: "Paused: credentials", tone: "critical", credentialsRefused: true },
    });

    await act(SHOP_A, "testfreaks", { intent: "save", apiKey: TESTFREAKS_SIM_API_KEY, clientId: TESTFREAKS_SIM_CLIENT_ID });
    expect((await load(SHOP_A, "testfreaks")).view.pausedReason).toBeNull();

    expect((await act(SHOP_A, "testfreaks", { intent: "pause" })).result.ok).toBe(true);
    await act(SHOP_A, "testfreaks", { intent: "save", apiKey: "", clientId: TESTFREAKS_SIM_CLIENT_ID });
    expect((await row(SHOP_A, "testfreaks"))!.enabled).toBe(false);
    expect((await act(SHOP_A, "testfreaks", { intent: "resume" })).result.ok).toBe(true);
    expect((await row(SHOP_A, "testfreaks"))!.enabled).toBe(true);
  });
});

describe("Test connection", () => {
  it("says invalid credentials for a refused key and valid for the right one, storing nothing", async () => {
    const wrong = await act(SHOP_A, "testfreaks", { intent: "test", apiKey: "sk_wrong", clientId: TESTFREAKS_SIM_CLIENT_ID });
    expect(wrong.result).toMatchObject({ ok: true, verify: { status: "invalid_credentials" } });
    const right = await act(SHOP_A, "testfreaks", { intent: "test", apiKey: TESTFREAKS_SIM_API_KEY, clientId: TESTFREAKS_SIM_CLIENT_ID });
    expect(right.result).toMatchObject({ ok: true, verify: { status: "valid" } });
    expect(await row(SHOP_A, "testfreaks")).toBeNull();
  });

  it("says unreachable when the partner does not answer", async () => {
    // A port nothing listens on: the connection is refused.
    ctx.runner.env.TESTFREAKS_API_URL = "http://127.0.0.1:9/v1";
    try {
      const { result } = await act(SHOP_A, "testfreaks", { intent: "test", apiKey: TESTFREAKS_SIM_API_KEY, clientId: TESTFREAKS_SIM_CLIENT_ID });
      expect(result).toMatchObject({ ok: true, verify: { status: "unreachable" } });
    } finally {
      ctx.runner.env.TESTFREAKS_API_URL = sim.url;
    }
  });

  it("answers field messages when the values cannot be tested", async () => {
    const { status, result } = await act(SHOP_A, "testfreaks", { intent: "test", apiKey: "", clientId: "" });
    expect(status).toBe(400);
    expect(!result.ok && Object.keys(result.fieldErrors).sort()).toEqual(["apiKey", "clientId"]);
  });
});

describe("Revers.io SKU -> model mapping", () => {
  it("saves a merchant's mapping pinned, so a catalog lookup never replaces it; removing it lets lookups in again", async () => {
    const bad = await act(SHOP_A, "reversio", { intent: "mapping-save", sku: "SKU-1", modelId: "model-1" });
    expect(bad.status).toBe(400);
    expect(!bad.result.ok && bad.result.fieldErrors).toEqual({ modelId: expect.stringMatching(/is a UUID/) });

    expect((await act(SHOP_A, "reversio", { intent: "mapping-save", sku: " SKU-1 ", modelId: MODEL_ID })).result.ok).toBe(true);
    const cache = prismaPartnerCache(store.db, SHOP_A, "reversio");
    await cache.set("model", "SKU-1", "11111111-1111-1111-1111-111111111111");
    expect(await cache.get("model", "SKU-1")).toBe(MODEL_ID);
    const mappings = mappingsOf(await load(SHOP_A, "reversio"))!;
    expect(mappings.rows).toEqual([{ sku: "SKU-1", modelId: MODEL_ID, pinned: true, updatedAt: expect.any(String) }]);

    expect((await act(SHOP_A, "reversio", { intent: "mapping-delete", sku: "SKU-1" })).result.ok).toBe(true);
    expect(await cache.get("model", "SKU-1")).toBeNull();
  });

  it("lists the catalog's findings and filters by SKU", async () => {
    const cache = prismaPartnerCache(store.db, SHOP_A, "reversio");
    await cache.set("model", "BLUE-SHIRT", MODEL_ID);
    await cache.set("model", "RED-SHIRT", MODEL_ID);
    const found = mappingsOf(await load(SHOP_A, "reversio", "?sku=BLUE"))!;
    expect(found).toMatchObject({ total: 1, search: "BLUE", rows: [{ sku: "BLUE-SHIRT", pinned: false }] });
  });

  it("is not offered for the other partners", async () => {
    expect(mappingsOf(await load(SHOP_A, "testfreaks"))).toBeNull();
    const { status } = await act(SHOP_A, "testfreaks", { intent: "mapping-save", sku: "A", modelId: MODEL_ID });
    expect(status).toBe(400);
  });
});

describe("one shop's settings are out of another's reach", () => {
  beforeEach(async () => {
    // Shop A: TestFreaks set up, a pinned Revers.io mapping.
    expect((await savePartnerConfig(store.db, ctx.keyring, SHOP_A, connectors.testfreaks, { apiKey: TESTFREAKS_SIM_API_KEY, clientId: "alpha.example" })).ok).toBe(true);
    await store.db.partnerCache.create({ data: { shop: SHOP_A, partner: "reversio", kind: "model", key: "ALPHA-SKU", value: MODEL_ID, pinned: true } });
  });

  it("shop A's own token reads them (the control for the checks below)", async () => {
    const { view } = await load(SHOP_A, "testfreaks");
    expect(view).toMatchObject({ configured: true, values: { clientId: "alpha.example" } });
    expect(mappingsOf(await load(SHOP_A, "reversio"))!.total).toBe(1);
  });

  it("a request authenticated for shop B reads nothing of shop A's", async () => {
    const testfreaks = await load(SHOP_B, "testfreaks");
    expect(testfreaks.view).toMatchObject({ configured: false, secrets: { apiKey: { set: false, changedAt: null } } });
    expect(JSON.stringify(testfreaks)).not.toContain("alpha.example");
    expect(mappingsOf(await load(SHOP_B, "reversio"))).toEqual({ rows: [], total: 0, search: "" });
  });

  it("a request authenticated for shop B changes nothing of shop A's", async () => {
    const before = await row(SHOP_A, "testfreaks");
    expect((await act(SHOP_B, "testfreaks", { intent: "pause" })).result.ok).toBe(false);
    expect((await act(SHOP_B, "testfreaks", { intent: "save", apiKey: "sk_bravo", clientId: "bravo.example" })).result.ok).toBe(true);
    await act(SHOP_B, "reversio", { intent: "mapping-delete", sku: "ALPHA-SKU" });
    await act(SHOP_B, "reversio", { intent: "mapping-save", sku: "ALPHA-SKU", modelId: "22222222-2222-2222-2222-222222222222" });

    expect(await row(SHOP_A, "testfreaks")).toEqual(before);
    expect((await load(SHOP_A, "testfreaks")).view.values.clientId).toBe("alpha.example");
    expect(await prismaPartnerCache(store.db, SHOP_A, "reversio").get("model", "ALPHA-SKU")).toBe(MODEL_ID);
    // Shop B's writes landed on shop B's own rows
    expect((await row(SHOP_B, "testfreaks"))!.enabled).toBe(true);
    expect(await prismaPartnerCache(store.db, SHOP_B, "reversio").get("model", "ALPHA-SKU")).toBe("22222222-2222-2222-2222-222222222222");
  });

  it("ignores a shop named in the URL or the form: the session token decides", async () => {
    const request = new Request(`${APP_URL}/app/partners/testfreaks?shop=${SHOP_A}`, { headers: { Authorization: bearer(SHOP_B) } });
    const data = await loader({ request, params: { partner: "testfreaks" }, context: {} });
    expect(data.view.configured).toBe(false);
    await act(SHOP_B, "testfreaks", { intent: "pause", shop: SHOP_A });
    expect((await row(SHOP_A, "testfreaks"))!.enabled).toBe(true);
  });
});

describe("authentication", () => {
  it("refuses a fetch whose token was not signed with the app secret (401), and reads nothing", async () => {
    const request = new Request(`${APP_URL}/app/partners/testfreaks`, { headers: { Authorization: bearer(SHOP_A, { secret: "someone-elses-secret" }) } });
    const response = await thrown(loader({ request, params: { partner: "testfreaks" }, context: {} }));
    expect(response.status).toBe(401);
  });

  it("refuses a token minted for another app (wrong audience)", async () => {
    const response = await thrown(act(SHOP_A, "testfreaks", { intent: "pause" }, bearer(SHOP_A, { apiKey: "another-app" })));
    expect(response.status).toBe(401);
  });

  it("sends a document request without a token to the bounce page, not to the settings", async () => {
    const request = new Request(`${APP_URL}/app/partners/testfreaks?embedded=1&shop=${SHOP_A}&host=YWRtaW4uc2hvcGlmeS5jb20vc3RvcmUvYWxwaGE`);
    const response = await thrown(loader({ request, params: { partner: "testfreaks" }, context: {} }));
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toMatch(/^\/auth\/session-token\?/);
  });

  it("answers 404 for a partner that does not exist", async () => {
    const response = await thrown(load(SHOP_A, "mailchimp"));
    expect(response.status).toBe(404);
  });
});
