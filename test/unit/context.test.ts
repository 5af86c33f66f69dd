import { afterEach, describe, expect, it } from "vitest";
import { createAppContext, type AppContext } from "~/context.server";
import { connectors } from "~/connectors/registry";
import { createLogger } from "~/logger";
import { createTestDb, type TestDb } from "../support/db";
import { fakeClock, testEnv } from "../support/harness";

let store: TestDb;
let ctx: AppContext | undefined;
afterEach(async () => {
  // The session storage reads its table once at creation: let it finish before the store closes.
  await (ctx?.shopify.sessionStorage as { isReady?: () => Promise<boolean> } | undefined)?.isReady?.();
  ctx = undefined;
  await store?.close();
});

describe("createAppContext", () => {
  it("builds the runner from the overrides given, never from globals it would have to be patched out of", async () => {
    store = await createTestDb();
    const lines: string[] = [];
    const logger = createLogger((line) => lines.push(line));
    const clock = fakeClock(new Date("2026-11-23T10:00:00Z"));
    const fetch: typeof globalThis.fetch = async () => new Response("stand-in");
    const random = () => 0.25;
    const only = { testfreaks: connectors.testfreaks! };

    ctx = createAppContext(testEnv({ DATABASE_URL: store.url }), { db: store.db, logger, now: clock.now, fetch, random, connectors: only });

    const { runner } = ctx;
    expect([ctx.db, runner.db, ctx.logger, runner.logger, runner.now, runner.fetch, runner.random, runner.connectors]).toEqual([store.db, store.db, logger, logger, clock.now, fetch, random, only]);
    runner.logger.info("through the override");
    expect(lines.join("\n")).toContain("through the override");
  });

  it("uses the real clock, network, jitter and registry when none is given", async () => {
    store = await createTestDb();

    ctx = createAppContext(testEnv({ DATABASE_URL: store.url }), { db: store.db });
    const { runner } = ctx;

    expect([runner.fetch, runner.random, runner.connectors]).toEqual([globalThis.fetch, Math.random, connectors]);
    expect(Math.abs(runner.now().getTime() - Date.now())).toBeLessThan(5_000);
  });
});
