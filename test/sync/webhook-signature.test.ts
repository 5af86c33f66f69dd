// checkWebhookSignature replaces @shopify/shopify-api's webhooks.validate on the
// webhook path (for its cost, webhook-signature.ts): it must answer as the library does.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAppContext } from "~/context.server";
import { checkWebhookSignature } from "~/sync/webhook-signature";
import { loadFixture } from "../fixtures/shopify";
import { createTestDb, type TestDb } from "../support/db";
import { testEnv, TEST_SECRET } from "../support/harness";
import { signWebhook } from "../support/webhooks";

let store: TestDb;
let shopify: ReturnType<typeof createAppContext>["shopify"];
beforeAll(async () => {
  store = await createTestDb();
  shopify = createAppContext(testEnv({ DATABASE_URL: store.url }), { db: store.db }).shopify;
});
afterAll(() => store.close());
const body = loadFixture("orders-create.discount-code-cad");

async function both(headers: Record<string, string>, raw: string) {
  const request = new Request("http://127.0.0.1/webhooks/orders/create", { method: "POST", headers, body: raw });
  const library = await shopify.api.webhooks.validate({ rawBody: raw, rawRequest: request });
  const ours = checkWebhookSignature((name) => request.headers.get(name) ?? undefined, Buffer.from(raw, "utf8"), TEST_SECRET);
  return { library, ours };
}

describe("checkWebhookSignature answers as @shopify/shopify-api's webhooks.validate", () => {
  it("a webhook signed with the app's secret: valid, with its topic, shop, ids and time", async () => {
    const signed = signWebhook({ topic: "orders/create", shop: "a.myshopify.com", body, secret: TEST_SECRET, eventId: "evt-1", webhookId: "wh-1" });
    const { library, ours } = await both(signed.headers, signed.body);
    expect(library.valid).toBe(true);
    expect(ours).toEqual({
      valid: true,
      topic: "orders/create",
      domain: "a.myshopify.com",
      apiVersion: "2026-10",
      webhookId: "wh-1",
      eventId: "evt-1",
      triggeredAt: signed.headers["x-shopify-triggered-at"],
    });
    expect(library).toMatchObject({ domain: ours.valid && ours.domain, webhookId: "wh-1", eventId: "evt-1" });
  });

  it("signed with another secret, a changed body, or a signature that is not base64 of 32 bytes: invalid_hmac", async () => {
    const other = signWebhook({ topic: "orders/create", shop: "a.myshopify.com", body, secret: "another-secret" });
    const good = signWebhook({ topic: "orders/create", shop: "a.myshopify.com", body, secret: TEST_SECRET });
    const cases = [
      await both(other.headers, other.body),
      await both(good.headers, `${good.body} `),
      await both({ ...good.headers, "x-shopify-hmac-sha256": good.headers["x-shopify-hmac-sha256"]!.slice(0, 20) }, good.body),
    ];
    for (const { library, ours } of cases) {
      expect(ours).toEqual({ valid: false, reason: "invalid_hmac" });
      expect(library).toMatchObject({ valid: false, reason: "invalid_hmac" });
    }
  });

  it("a signed webhook without the shop and webhook id headers: missing_headers naming them", async () => {
    const signed = signWebhook({ topic: "orders/create", shop: "a.myshopify.com", body, secret: TEST_SECRET });
    const { "x-shopify-shop-domain": _shop, "x-shopify-webhook-id": _id, ...headers } = signed.headers;
    const { library, ours } = await both(headers, signed.body);
    expect(ours).toEqual({ valid: false, reason: "missing_headers", missingHeaders: ["x-shopify-shop-domain", "x-shopify-webhook-id"] });
    expect(library).toMatchObject({ valid: false, reason: "missing_headers" });
    expect((library as { missingHeaders: string[] }).missingHeaders.map((h) => h.toLowerCase())).toEqual(ours.valid ? [] : (ours as { missingHeaders: string[] }).missingHeaders);
  });
});
