// Backfill on Postgres with two app instances (pg-boss engine): one takes the
// backfill's lease, its orders are recorded in batches, and a live order that
// arrives meanwhile is the first job either instance's worker claims.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAppContext, type AppContext } from "~/context.server";
import { createDb } from "~/db.server";
import { silentLogger } from "~/logger";
import { runBackfill, startBackfill } from "~/sync/backfill.server";
import { shopGraphql } from "~/sync/backfill-runner.server";
import { JOB_PRIORITY } from "~/sync/job-priority";
import { handleWebhook } from "~/sync/webhook.server";
import { loadFixture } from "../fixtures/shopify";
import { historyOrders, postHistory } from "../simulators/history-orders";
import { startShopifyAdminStandIn, type ShopifyAdminStandIn } from "../simulators/shopify-admin";
import { testEnv, TEST_SECRET } from "../support/harness";
import { createMigratedDatabase, startTestPostgres, type TestPostgres } from "../support/postgres";
import { signWebhook } from "../support/webhooks";
import { installShopWithPartners, SHOP } from "./fixtures";

let pg: TestPostgres;
let admin: ShopifyAdminStandIn;
let instances: AppContext[] = [];

beforeAll(async () => {
  pg = await startTestPostgres();
  const url = await createMigratedDatabase(pg, "backfill");
  admin = await startShopifyAdminStandIn();
  instances = [0, 1].map(() => {
    const ctx = createAppContext(testEnv({ DATABASE_URL: url, SHOPIFY_LOCAL_ADMIN_URL: admin.url }), { db: createDb(url), logger: silentLogger });
    return ctx;
  });
  await installShopWithPartners(instances[0]!.db, instances[0]!.keyring);
}, 120_000);

afterAll(async () => {
  for (const ctx of instances) {
    await ctx.runner.queue.close();
    await ctx.db.$disconnect();
  }
  await admin?.close();
  await pg?.stop();
});

describe("backfill on Postgres, two instances", () => {
  it("is run by one instance at a time, records every order for its partner behind live work, and a live order is claimed first", async () => {
    await postHistory(admin.url, historyOrders(60, { from: new Date("2026-03-01T00:00:00Z") }));
    const [a, b] = instances as [AppContext, AppContext];
    const started = await startBackfill(a.db, SHOP, { since: new Date("2026-03-01T00:00:00Z"), partner: "testfreaks" });
    if (!started.ok) throw new Error(started.message);

    for (let pass = 0; pass < 500; pass++) {
      await Promise.all([a, b].map((ctx, i) => runBackfill({ db: ctx.db, graphqlFor: shopGraphql(ctx), logger: silentLogger, owner: `instance-${i}`, pollMs: 5, batchSize: 7 }, started.id)));
      if ((await a.db.backfill.findUniqueOrThrow({ where: { id: started.id } })).status === "syncing") break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const row = await a.db.backfill.findUniqueOrThrow({ where: { id: started.id } });
    expect([row.status, row.ordersRead, row.queued, row.unchanged]).toEqual(["syncing", 60, 60, 0]);
    expect(await a.db.syncJob.count({ where: { shop: SHOP, partner: "testfreaks", priority: JOB_PRIORITY.backfill } })).toBe(60);
    // Reverb is set up too, but the backfill was for TestFreaks only.
    expect(await a.db.syncJob.count({ where: { shop: SHOP, partner: "reverb" } })).toBe(0);

    const body = loadFixture("orders-updated.tracking-delivered-usd");
    const signed = signWebhook({ topic: "orders/updated", shop: SHOP, body, secret: TEST_SECRET });
    const answer = await handleWebhook(new Request("http://127.0.0.1/webhooks/orders/updated", { method: "POST", headers: signed.headers, body }), {
      ...b,
      logger: silentLogger,
      mergeBeforeAnswer: true,
    });
    expect(answer.status).toBe(200);

    const [first] = await b.runner.queue.claim("probe", 1, new Date());
    expect(first?.orderId).toBe("2628173987889");
  }, 120_000);
});
