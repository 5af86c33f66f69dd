// The separate worker's turn-taking on SQLite (app/db.sqlite-locking.ts): after each
// write it leaves the lock free for a gap before its next write, so another
// process's busy wait can catch it. A real SQLite file; a clock the test moves.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createClient, type Client } from "@libsql/client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { takingTurns, type TurnClock } from "~/db.sqlite-locking";
import { createDb } from "~/db.server";
import { createTestDb } from "../support/db";

const GAP_MS = 1;
let dir: string;
let raw: Client;
let client: Client;
let clock: TurnClock & { at: number; slept: number[] };

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "partner-sync-turns-"));
  raw = createClient({ url: `file:${path.join(dir, "turns.sqlite")}` });
  await raw.execute("CREATE TABLE t (x INTEGER)");
  clock = {
    at: 1_000,
    slept: [],
    now: () => clock.at,
    sleep: async (ms) => {
      clock.slept.push(ms);
      clock.at += ms;
    },
  };
  client = takingTurns(raw, GAP_MS, clock);
});

afterEach(() => {
  raw.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("a process taking turns at SQLite's write lock", () => {
  it("waits out the gap before a write that follows a write at once, and not before one that comes later", async () => {
    await client.execute("INSERT INTO t VALUES (1)");
    expect(clock.slept).toEqual([]);
    clock.at += 0.25;
    await client.execute({ sql: "INSERT INTO t VALUES (?)", args: [2] });
    expect(clock.slept).toEqual([0.75]);
    clock.at += 5;
    await client.execute("UPDATE t SET x = x + 1");
    expect(clock.slept).toEqual([0.75]);
    expect((await raw.execute("SELECT sum(x) AS s FROM t")).rows[0]!.s).toBe(5);
  });

  it("never makes a read wait: readers do not take the write lock", async () => {
    await client.execute("INSERT INTO t VALUES (1)");
    await client.execute("SELECT * FROM t");
    await client.execute("  select count(*) from t");
    await client.execute("PRAGMA journal_mode");
    expect(clock.slept).toEqual([]);
  });

  it("counts a transaction's gap from its COMMIT (or ROLLBACK), when the lock is let go", async () => {
    await client.execute("INSERT INTO t VALUES (1)");
    const tx = await client.transaction("write");
    expect(clock.slept).toEqual([GAP_MS]);
    await tx.execute("INSERT INTO t VALUES (2)");
    clock.at += 10;
    await tx.commit();
    await client.execute("INSERT INTO t VALUES (3)");
    expect(clock.slept).toEqual([GAP_MS, GAP_MS]);

    const rolledBack = await client.transaction("write");
    await rolledBack.execute("INSERT INTO t VALUES (100)");
    await rolledBack.rollback();
    await client.execute("INSERT INTO t VALUES (4)");
    expect(clock.slept).toEqual([GAP_MS, GAP_MS, GAP_MS, GAP_MS]);
    expect((await raw.execute("SELECT sum(x) AS s FROM t")).rows[0]!.s).toBe(10);
  });
});

describe("a transaction on SQLite", () => {
  it("holds the write lock from its BEGIN (IMMEDIATE), so another process cannot commit between its reads and its writes", async () => {
    const store = await createTestDb();
    // As the app's processes open it (createAppContext).
    const db = createDb(store.url, { sqliteImmediate: true });
    // Another process's connection, without a busy wait: it fails at once where the lock is taken.
    const other = createClient({ url: store.url, timeout: 0 });
    try {
      await db.$queryRawUnsafe("PRAGMA journal_mode = WAL");
      await db.shop.create({ data: { shop: "lock.myshopify.com" } });
      let otherWrite: string | undefined;
      await db.$transaction(async (tx) => {
        await tx.shop.findUnique({ where: { shop: "lock.myshopify.com" } });
        otherWrite = await other.execute("UPDATE Shop SET shop = shop").then(
          () => "committed",
          (error: unknown) => (error as { code?: string }).code,
        );
        await tx.shop.update({ where: { shop: "lock.myshopify.com" }, data: { uninstalledAt: null } });
      });
      // DEFERRED (Prisma's own choice) took no lock on the read: the other process's write went in.
      expect(otherWrite).toBe("SQLITE_BUSY");
    } finally {
      other.close();
      await db.$disconnect();
      await store.close();
    }
  });
});
