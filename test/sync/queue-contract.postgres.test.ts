// The engine contract on Postgres: the table engine, and the pg-boss engine the
// app runs where DATABASE_URL is Postgres. One throwaway server, a database per engine.
import type { PrismaClient } from "@prisma/client";
import { afterAll, beforeAll } from "vitest";
import { TestClock } from "pg-boss";
import { createDb } from "~/db.server";
import { tableQueue } from "~/sync/queue.server";
import { LANE_QUEUE, pgBossQueue } from "~/sync/engines/pgboss-queue.server";
import { fakeClock } from "../support/harness";
import { createMigratedDatabase, startTestPostgres, type TestPostgres } from "../support/postgres";
import { LEASE_MS, queueContract } from "./queue-contract";

let pg: TestPostgres;
const urls: Record<string, string> = {};

beforeAll(async () => {
  pg = await startTestPostgres();
  for (const name of ["table_engine", "pgboss_engine"]) {
    urls[name] = await createMigratedDatabase(pg, name);
  }
}, 120_000);

afterAll(async () => {
  await pg?.stop();
});

async function emptied(url: string): Promise<PrismaClient> {
  const db = createDb(url);
  await db.$executeRawUnsafe(`TRUNCATE "SyncJob", "SyncLane" CASCADE`);
  return db;
}

queueContract("table engine on Postgres", { wakesAcrossProcesses: false }, async () => {
  const url = urls.table_engine!;
  const [db, other] = [await emptied(url), createDb(url)];
  const clock = fakeClock(new Date());
  return {
    db,
    a: tableQueue(db, LEASE_MS),
    b: tableQueue(other, LEASE_MS),
    now: clock.now,
    advance: async (ms) => clock.advance(ms),
    async close() {
      await Promise.all([db.$disconnect(), other.$disconnect()]);
    },
  };
});

queueContract("pg-boss engine on Postgres", { wakesAcrossProcesses: true }, async () => {
  const url = urls.pgboss_engine!;
  const [db, other] = [await emptied(url), createDb(url)];
  // One clock for both instances and for Postgres's side of pg-boss: a lease runs out without waiting for it.
  const clock = new TestClock(new Date());
  const a = pgBossQueue(db, { url, leaseMs: LEASE_MS, clock, superviseSeconds: 1 });
  const b = pgBossQueue(other, { url, leaseMs: LEASE_MS, clock, superviseSeconds: 1 });
  await a.ready();
  await b.ready();
  await a.boss.deleteAllJobs(LANE_QUEUE);
  return {
    db,
    a,
    b,
    now: () => new Date(clock.now()),
    async advance(ms) {
      await clock.setTime(clock.now() + ms);
      // What pg-boss's supervision timer does every few seconds: fail the lanes whose heartbeat stopped.
      await a.boss.supervise(LANE_QUEUE);
    },
    async close() {
      await Promise.all([a.close(), b.close()]);
      await Promise.all([db.$disconnect(), other.$disconnect()]);
    },
  };
});
