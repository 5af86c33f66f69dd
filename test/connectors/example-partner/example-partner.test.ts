// A partner is one folder: Postcards lives only in this test folder (meta, schema,
// map, envelope, client, connector, stand-in) and is registered through the one
// registration point, createRegistry. Nothing outside this folder names it; the
// app's settings page, webhook, worker, order page and CLI take it from the registry.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { UNSAFE_DataWithResponseInit } from "@remix-run/router";
import { createRegistry, defaultRegistry } from "~/connectors/registry";
import type { SettingsActionResult } from "~/admin/partner-settings.server";
import { runCli, type CliIo } from "~/cli/main";
import { installShopLocally } from "~/shopify/install.server";
import { startWorker } from "~/sync/worker.server";
import { action as settingsAction, loader as settingsLoader } from "~/routes/app.partners.$partner";
import { loader as orderLoader } from "~/routes/app.orders.$orderId";
import { loadFixture, orderFixtureNames } from "../../fixtures/shopify";
import { productsFromFixtures, startShopifyAdminStandIn, type ShopifyAdminStandIn } from "../../simulators/shopify-admin";
import { startHarness, TEST_SECRET, testEnv, type Harness } from "../../support/harness";
import { mintSessionToken } from "../../support/session-token";
import { postWebhook, signWebhook } from "../../support/webhooks";
import { postcardsConnector } from "./index";
import { POSTCARDS_TOKEN, startPostcardsStandIn, type PostcardsStandIn } from "./stand-in";

const SHOP = "postcards-shop.myshopify.com";
const ORDER = "5492763623680"; // orders-create.discount-code-cad: #1001
const APP_URL = "http://127.0.0.1:3000";
const registry = createRegistry([...defaultRegistry.list, postcardsConnector]);

let h: Harness;
let postcards: PostcardsStandIn;
let admin: ShopifyAdminStandIn;

beforeAll(async () => {
  [postcards, admin] = await Promise.all([startPostcardsStandIn(), startShopifyAdminStandIn({ products: productsFromFixtures(orderFixtureNames.map(loadFixture)) })]);
  // The registration point: the app's context built with this registry (createAppContext's connectors).
  h = await startHarness({ POSTCARDS_API_URL: postcards.url, SHOPIFY_LOCAL_ADMIN_URL: admin.url }, { context: { connectors: registry.byId } });
  // The routes read the process's context.
  globalThis.__partnerSyncContext = h.ctx;
  await installShopLocally(h.ctx.db, SHOP);
});

afterAll(async () => {
  globalThis.__partnerSyncContext = undefined;
  await h?.close();
  await Promise.all([postcards?.close(), admin?.close()]);
});

const authorized = (path: string, init: RequestInit = {}) =>
  new Request(`${APP_URL}${path}`, { ...init, headers: { Authorization: `Bearer ${mintSessionToken({ shop: SHOP, apiKey: testEnv().SHOPIFY_API_KEY!, secret: TEST_SECRET })}` } });

describe("an example partner defined only in a test folder", () => {
  it("is refused by the registration point when two partners share its id", () => {
    expect(() => createRegistry([postcardsConnector, postcardsConnector])).toThrow(/two connectors are registered as postcards/);
  });

  it("is set up on its settings page, synced by the worker after a webhook, shown on the order page and listed by the CLI", async () => {
    // Settings page: the form comes from its meta.ts; the secret is never sent back.
    const page = await settingsLoader({ request: authorized("/app/partners/postcards"), params: { partner: "postcards" }, context: {} });
    expect(page.view.name).toBe("Postcards");
    expect(page.view.fields.map((f) => f.key)).toEqual(["apiToken", "senderName", "skipCancelled"]);
    expect(page.view.configured).toBe(false);

    const form = new FormData();
    for (const [key, value] of Object.entries({ intent: "save", apiToken: POSTCARDS_TOKEN, senderName: "The Corner Shop", skipCancelled: "true" })) form.set(key, value);
    const saved = (await settingsAction({
      request: authorized("/app/partners/postcards", { method: "POST", body: form }),
      params: { partner: "postcards" },
      context: {},
    })) as unknown as UNSAFE_DataWithResponseInit<SettingsActionResult>;
    expect(saved.data).toEqual({ intent: "save", ok: true, message: "Postcards settings saved." });
    const reloaded = await settingsLoader({ request: authorized("/app/partners/postcards"), params: { partner: "postcards" }, context: {} });
    expect(reloaded.view).toMatchObject({ configured: true, enabled: true, values: { apiToken: "", senderName: "The Corner Shop", skipCancelled: true }, secrets: { apiToken: { set: true } } });

    // Webhook -> inbox -> a job for every partner set up -> the worker -> the partner's stand-in.
    const body = loadFixture("orders-create.discount-code-cad");
    expect((await postWebhook(h.url, signWebhook({ topic: "orders/create", shop: SHOP, body, secret: TEST_SECRET }))).status).toBe(200);
    const worker = startWorker(h.ctx.runner, { loop: false });
    try {
      await worker.runDue();
    } finally {
      await worker.stop();
    }
    expect(postcards.cards).toHaveLength(1);
    expect(postcards.cards[0]).toMatchObject({ path: "/v1/cards/%231001", body: { order_ref: "#1001", sender: "The Corner Shop" } });
    const job = await h.ctx.db.syncJob.findUniqueOrThrow({ where: { shop_orderId_partner: { shop: SHOP, orderId: ORDER, partner: "postcards" } } });
    expect(job).toMatchObject({ status: "synced", remoteId: "card-1001" });

    // Order page: its job, with the card id and the request it accepted (no panel: it has no ui.tsx).
    const order = await orderLoader({ request: authorized(`/app/orders/${ORDER}`), params: { orderId: ORDER }, context: {} });
    const view = order.detail.partners.find((p) => p.partner === "postcards");
    expect(view).toMatchObject({ configured: true, enabled: true, job: { status: "synced", remoteId: "card-1001" } });
    expect(order.names.postcards).toBe("Postcards");
    expect(order.live.postcards).toBeUndefined();

    // CLI: sync:status lists its job; partner:configure takes it by id from the registry.
    const out: string[] = [];
    const io: CliIo = { out: (line) => out.push(line), err: (line) => out.push(line), env: { ENCRYPTION_KEY: h.ctx.env.ENCRYPTION_KEY } };
    expect(await runCli(["sync:status", SHOP, "--json"], io, h.ctx.db, registry)).toBe(0);
    expect(JSON.parse(out.join("\n"))).toContainEqual(expect.objectContaining({ partner: "postcards", status: "synced", remoteId: "card-1001" }));
    out.length = 0;
    const file = path.join(mkdtempSync(path.join(tmpdir(), "postcards-")), "settings.json");
    writeFileSync(file, JSON.stringify({ apiToken: POSTCARDS_TOKEN, senderName: "From the CLI" }));
    expect(await runCli(["partner:configure", SHOP, "postcards", "--file", file], io, h.ctx.db, registry)).toBe(0);
    expect(out).toEqual([`Postcards configured and enabled for ${SHOP}.`]);
    expect(JSON.parse((await h.ctx.db.partnerConfig.findUniqueOrThrow({ where: { shop_partner: { shop: SHOP, partner: "postcards" } } })).settings)).toMatchObject({ senderName: "From the CLI" });
  }, 60_000);
});
