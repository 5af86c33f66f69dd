// DATABASE_POOL_SIZE bounds the Postgres connections one app process opens, so
// an operator can fit several web and worker processes in max_connections.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { createAppContext } from "~/context.server";
import { testEnv } from "../support/harness";
import { createMigratedDatabase, startTestPostgres, type TestPostgres } from "../support/postgres";

let server: TestPostgres;
let url: string;
beforeAll(async () => {
  server = await startTestPostgres();
  url = await createMigratedDatabase(server, "pool");
}, 120_000);
afterAll(async () => server?.stop());

/** The most connections to the database seen while 20 slow queries run at once through one app context. */
async function peakConnections(env: Record<string, string>): Promise<number> {
  const ctx = createAppContext(testEnv({ DATABASE_URL: url, ...env }));
  const watcher = new pg.Client({ connectionString: url });
  await watcher.connect();
  try {
    const running = Promise.all(Array.from({ length: 20 }, () => ctx.db.$queryRawUnsafe("SELECT pg_sleep(0.3)::text AS slept")));
    let peak = 0;
    for (let i = 0; i < 8; i++) {
      const { rows } = await watcher.query<{ n: string }>("SELECT count(*) AS n FROM pg_stat_activity WHERE datname = 'pool' AND pid <> pg_backend_pid()");
      peak = Math.max(peak, Number(rows[0]!.n));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await running;
    return peak;
  } finally {
    await watcher.end();
    await ctx.db.$disconnect();
  }
}

describe("DATABASE_POOL_SIZE", () => {
  it("bounds the connections one process's Prisma client opens; the default is 10", async () => {
    expect(await peakConnections({ DATABASE_POOL_SIZE: "3" })).toBe(3);
    const byDefault = await peakConnections({});
    expect(byDefault).toBeGreaterThan(3);
    expect(byDefault).toBeLessThanOrEqual(10);
  }, 60_000);
});
