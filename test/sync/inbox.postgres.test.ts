// The inbox on Postgres, where two app instances really merge side by side:
// deliveries of one new order arriving together are all kept, and the newest
// state wins, however the instances interleave.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAppContext, type AppContext } from "~/context.server";
import { createDb } from "~/db.server";
import { silentLogger } from "~/logger";
import type { OrderSnapshot } from "~/orders/snapshot";
import { handleWebhook } from "~/sync/webhook.server";
import { loadFixture } from "../fixtures/shopify";
import { testEnv, TEST_SECRET } from "../support/harness";
import { createMigratedDatabase, startTestPostgres, type TestPostgres } from "../support/postgres";
import { signWebhook } from "../support/webhooks";
import { installShopWithPartners, SHOP, withUpdatedAt } from "./fixtures";

let pg: TestPostgres;
let instances: AppContext[] = [];

beforeAll(async () => {
  pg = await startTestPostgres();
  const url = await createMigratedDatabase(pg, "inbox");
  // Two app instances: each its own client, pool and inbox.
  instances = [0, 1].map(() => {
    const ctx = createAppContext(testEnv({ DATABASE_URL: url }), { db: createDb(url), logger: silentLogger });
    return ctx;
  });
  await installShopWithPartners(instances[0]!.db, instances[0]!.keyring);
}, 120_000);

afterAll(async () => {
  for (const ctx of instances) {
    await ctx.runner.queue.close();
    await ctx.db.$disconnect();
  }
  await pg?.stop();
});

function deliver(ctx: AppContext, topic: string, body: string): Promise<Response> {
  const signed = signWebhook({ topic, shop: SHOP, body, secret: TEST_SECRET });
  const request = new Request(`http://127.0.0.1/webhooks/${topic}`, { method: "POST", headers: signed.headers, body: signed.body });
  return handleWebhook(request, { ...ctx, logger: silentLogger });
}

describe("the webhook inbox on Postgres, two instances", () => {
  it("20 new orders, each created and updated at once on both instances: every delivery kept, every order at its newest state, one job per partner", async () => {
    const orders = Array.from({ length: 20 }, (_, i) => {
      const id = String(4000000000 + i);
      const body = loadFixture("orders-updated.tracking-delivered-usd")
        .replace(/2628173987889/g, id)
        .replace('"name": "#23301"', `"name": "#P${i}"`);
      return { id, created: withUpdatedAt(body, "2026-11-03T10:00:00Z"), updated: withUpdatedAt(body, "2026-11-03T10:07:00Z") };
    });
    const [a, b] = instances as [AppContext, AppContext];

    const answers = await Promise.all(
      orders.flatMap((o, i) =>
        i % 2 ? [deliver(a, "orders/create", o.created), deliver(b, "orders/updated", o.updated)] : [deliver(b, "orders/updated", o.updated), deliver(a, "orders/create", o.created)],
      ),
    );
    expect(answers.map((r) => r.status)).toEqual(answers.map(() => 200));
    await Promise.all([a.inbox.drain(), b.inbox.drain()]);

    const db = a.db;
    expect(await db.webhookEvent.count({ where: { shop: SHOP } })).toBe(40);
    expect(await db.webhookEvent.count({ where: { shop: SHOP, processedAt: null } })).toBe(0);
    const snapshots = await db.orderSnapshot.findMany({ where: { shop: SHOP } });
    expect(snapshots).toHaveLength(20);
    expect(new Set(snapshots.map((s) => (JSON.parse(s.payload) as OrderSnapshot).updatedAt))).toEqual(new Set(["2026-11-03T10:07:00.000Z"]));
    expect(await db.syncJob.count({ where: { shop: SHOP } })).toBe(40);
  }, 60_000);
});
