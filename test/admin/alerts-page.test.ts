// The alert banner of every admin page (the shell's loader) and the Alerts page,
// called with requests authenticated as the embedded admin sends them.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createAppContext, type AppContext } from "~/context.server";
import { silentLogger } from "~/logger";
import { installShopLocally } from "~/shopify/install.server";
import { raiseAlert } from "~/sync/alerts.server";
import { pausePartner } from "~/sync/partner-config.server";
import { loader as shellLoader } from "~/routes/app";
import { action as alertsAction, loader as alertsLoader } from "~/routes/app.alerts";
import { createTestDb, type TestDb } from "../support/db";
import { testEnv, TEST_SECRET } from "../support/harness";
import { mintSessionToken } from "../support/session-token";
import { SHOP_A, SHOP_B, seedPartnerConfig } from "./seed";

const APP_URL = "http://127.0.0.1:3000";
let store: TestDb;
let ctx: AppContext;

beforeAll(async () => {
  store = await createTestDb();
  ctx = createAppContext(testEnv({ DATABASE_URL: store.url }), { db: store.db, logger: silentLogger });
  globalThis.__partnerSyncContext = ctx;
  await installShopLocally(store.db, SHOP_A);
  await installShopLocally(store.db, SHOP_B);
});
afterAll(async () => {
  globalThis.__partnerSyncContext = undefined;
  await store?.close();
});
beforeEach(async () => {
  await store.db.alert.deleteMany();
  await store.db.partnerConfig.deleteMany();
});

const authorized = (path: string, shop: string, form?: Record<string, string>) =>
  new Request(`${APP_URL}${path}`, {
    method: form ? "POST" : "GET",
    headers: { Authorization: `Bearer ${mintSessionToken({ shop, apiKey: "test-api-key", secret: TEST_SECRET })}` },
    ...(form ? { body: new URLSearchParams(form) } : {}),
  });
const banners = async (shop: string) => (await shellLoader({ request: authorized("/app", shop), params: {}, context: {} })).alerts;
const post = async (shop: string, form: Record<string, string>) => {
  const result = await alertsAction({ request: authorized("/app/alerts", shop, form), params: {}, context: {} });
  return result.data;
};

describe("the banner on every admin page", () => {
  it("shows the shop's open incidents only, until each is resolved", async () => {
    await seedPartnerConfig(store.db, SHOP_A, "reverb");
    await pausePartner(store.db, SHOP_A, "reverb", "Reverb refused the credentials: 401");
    await raiseAlert(store.db, SHOP_A, "reverb", "credentials_refused", new Date());
    await raiseAlert(store.db, SHOP_A, "testfreaks", "failures", new Date(), 6);
    await raiseAlert(store.db, SHOP_B, "reversio", "failures", new Date(), 5);

    expect(await banners(SHOP_A)).toMatchObject([
      { kind: "credentials_refused", title: "Reverb refused the saved credentials", actionPath: "/app/partners/reverb", dismissible: false },
      { kind: "failures", title: "TestFreaks is failing", message: expect.stringMatching(/^6 attempts/), actionPath: "/app/log?partner=testfreaks&status=failed", dismissible: true },
    ]);
    expect((await banners(SHOP_B)).map((b) => b.title)).toEqual(["Revers.io is failing"]);

    // New credentials saved (the pause cleared): that banner goes on the next page load.
    await store.db.partnerConfig.updateMany({ where: { shop: SHOP_A, partner: "reverb" }, data: { holdReason: null, pausedReason: null, pausedAt: null } });
    expect((await banners(SHOP_A)).map((b) => b.kind)).toEqual(["failures"]);
  });

  it("a failures incident can be dismissed by its shop only; a credentials one cannot be dismissed", async () => {
    await seedPartnerConfig(store.db, SHOP_A, "reverb");
    await pausePartner(store.db, SHOP_A, "reverb", "Reverb refused the credentials: 401");
    await raiseAlert(store.db, SHOP_A, "reverb", "credentials_refused", new Date());
    await raiseAlert(store.db, SHOP_A, "testfreaks", "failures", new Date(), 6);
    const [credentials, failures] = await banners(SHOP_A);

    expect(await post(SHOP_B, { intent: "dismiss", id: failures!.id })).toEqual({ ok: true, message: "That alert is already resolved." });
    expect(await banners(SHOP_A)).toHaveLength(2);
    expect(await post(SHOP_A, { intent: "dismiss", id: credentials!.id })).toMatchObject({ ok: false });
    expect(await post(SHOP_A, { intent: "dismiss", id: failures!.id })).toEqual({ ok: true, message: "Alert dismissed." });
    expect((await banners(SHOP_A)).map((b) => b.kind)).toEqual(["credentials_refused"]);
    expect(await store.db.alert.findUniqueOrThrow({ where: { id: failures!.id } })).toMatchObject({ resolvedBy: "merchant_dismissed", openKey: null });
  });
});

describe("the Alerts page", () => {
  it("lists open and recent incidents and turns email off and on", async () => {
    await raiseAlert(store.db, SHOP_A, "testfreaks", "failures", new Date(), 6);
    const page = await alertsLoader({ request: authorized("/app/alerts", SHOP_A), params: {}, context: {} });
    expect(page.alerts).toMatchObject([{ partnerName: "TestFreaks", resolvedText: null, emailedText: null }]);
    // No SMTP_URL in this deployment: the page says so.
    expect(page.email).toEqual({ on: true, address: null, deploymentCanEmail: false });

    expect(await post(SHOP_A, { intent: "emails", on: "false" })).toMatchObject({ ok: true });
    expect((await alertsLoader({ request: authorized("/app/alerts", SHOP_A), params: {}, context: {} })).email.on).toBe(false);
    expect((await alertsLoader({ request: authorized("/app/alerts", SHOP_B), params: {}, context: {} })).email.on).toBe(true);
    expect(await post(SHOP_A, { intent: "emails", on: "true" })).toMatchObject({ ok: true });
    expect((await alertsLoader({ request: authorized("/app/alerts", SHOP_A), params: {}, context: {} })).email.on).toBe(true);

    expect(await post(SHOP_A, { intent: "emails", on: "maybe" })).toMatchObject({ ok: false });
  });
});
