// customers/redact on Postgres: the email matched in any letter case (lower() in
// SQL), and a later delivery of an erased order stored without the personal data.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createAppContext, type AppContext } from "~/context.server";
import { createDb } from "~/db.server";
import { silentLogger } from "~/logger";
import type { OrderSnapshot } from "~/orders/snapshot";
import { handleWebhook } from "~/sync/webhook.server";
import { loadFixture } from "../fixtures/shopify";
import { testEnv, TEST_SECRET } from "../support/harness";
import { createMigratedDatabase, startTestPostgres, type TestPostgres } from "../support/postgres";
import { signWebhook } from "../support/webhooks";
import { installShopWithPartners, SHOP } from "./fixtures";

const EMAIL = "jane.doe+shopifytest@example.com";
let pg: TestPostgres;
let ctx: AppContext;

beforeAll(async () => {
  pg = await startTestPostgres();
  const url = await createMigratedDatabase(pg, "redaction");
  ctx = createAppContext(testEnv({ DATABASE_URL: url }), { db: createDb(url), logger: silentLogger });
  await installShopWithPartners(ctx.db, ctx.keyring);
}, 120_000);

afterAll(async () => {
  await ctx?.runner.queue.close();
  await ctx?.db.$disconnect();
  await pg?.stop();
});

const deliver = (topic: string, body: string) => {
  const signed = signWebhook({ topic, shop: SHOP, body, secret: TEST_SECRET });
  return handleWebhook(new Request(`http://127.0.0.1/webhooks/${topic}`, { method: "POST", headers: signed.headers, body: signed.body }), { ...ctx, logger: silentLogger, mergeBeforeAnswer: true });
};

it("finds the order by its email in another letter case, and keeps it erased when a later delivery comes", async () => {
  const mixed = (raw: string) => raw.replaceAll(EMAIL, "Jane.Doe+ShopifyTest@Example.COM");
  expect((await deliver("orders/create", mixed(loadFixture("orders-create.discount-code-cad")))).status).toBe(200);

  const redact = await deliver("customers/redact", JSON.stringify({ shop_id: 1, shop_domain: SHOP, customer: { id: null, email: EMAIL }, orders_to_redact: [] }));
  expect(redact.status).toBe(200);
  expect((await deliver("orders/cancelled", mixed(loadFixture("orders-cancelled.discount-code-cad.derived")))).status).toBe(200);

  const row = await ctx.db.orderSnapshot.findFirstOrThrow({ where: { shop: SHOP, orderId: "5492763623680" } });
  const snapshot = JSON.parse(row.payload) as OrderSnapshot;
  expect([snapshot.piiRedacted, snapshot.cancelledAt !== null, row.email]).toEqual([true, true, null]);
  const stored = JSON.stringify(await Promise.all([ctx.db.orderSnapshot.findMany(), ctx.db.webhookEvent.findMany(), ctx.db.complianceRequest.findMany()]));
  expect(stored.toLowerCase()).not.toContain(EMAIL);
}, 60_000);
