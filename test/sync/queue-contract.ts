// The rules every sync engine keeps (app/sync/queue.server.ts, SyncQueue), run
// against each engine: the table engine on SQLite and on Postgres, the pg-boss
// engine on Postgres. Two queue instances, each on its own database client (and
// its own pg-boss), stand for two processes.
import type { PrismaClient } from "@prisma/client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ClaimedJob, Settlement, SyncQueue } from "~/sync/queue.server";
import { JOB_PRIORITY } from "~/sync/job-priority";

export const LEASE_MS = 60_000;

export interface EngineUnderTest {
  /** What the tests seed and read the SyncJob rows through. */
  db: PrismaClient;
  /** Two instances of the engine, as two processes would hold them, with leases of LEASE_MS. */
  a: SyncQueue;
  b: SyncQueue;
  /** The time the engines run on. */
  now(): Date;
  /** Moves that time on, as a process that slept would see it (pg-boss: its clock, then its supervision pass). */
  advance(ms: number): Promise<void>;
  close(): Promise<void>;
}

export interface EngineTraits {
  /**
   * Claim rounds after the first race one instance after the other. SQLite: two
   * connections whose claims interleave statement by statement can each hold a
   * read lock the other's write waits for, and fail with SQLITE_BUSY after the
   * busy timeout; the first race of each case stays concurrent.
   */
  serialRounds?: boolean;
  /** Whether `announce` reaches the other instance's listeners (a process of its own), not only its own. */
  wakesAcrossProcesses: boolean;
}

const SHOP = "contract.myshopify.com";
const synced = (now: Date): Settlement => ({ status: "synced", attempts: 1, nextRunAt: now, lastError: null, uncertain: false, attemptAt: now });

export function queueContract(name: string, traits: EngineTraits, start: () => Promise<EngineUnderTest>) {
  describe(`sync engine contract: ${name}`, () => {
    let e: EngineUnderTest;
    beforeEach(async () => {
      e = await start();
    });
    afterEach(async () => e.close());

    /** `count` due jobs spread over `lanes` shops (one lane each), oldest first; their ids in that order. */
    async function dueJobs(count: number, lanes = count, shop = SHOP): Promise<string[]> {
      const ids: string[] = [];
      for (let i = 0; i < count; i++) {
        const at = new Date(e.now().getTime() - 60_000 + i);
        const job = await e.db.syncJob.create({ data: { shop: `${i % lanes}-${shop}`, orderId: String(1000 + i), partner: "testfreaks", nextRunAt: at } });
        ids.push(job.id);
      }
      return ids;
    }

    /** Both instances claim at once, round after round, until neither gets anything: who got what. */
    async function claimRace(owners = ["a", "b"]): Promise<ClaimedJob[]> {
      const claimed: ClaimedJob[] = [];
      for (;;) {
        const round = traits.serialRounds
          ? [await e.a.claim(owners[0]!, 4, e.now()), await e.b.claim(owners[1]!, 4, e.now())]
          : await Promise.all([e.a.claim(owners[0]!, 4, e.now()), e.b.claim(owners[1]!, 4, e.now())]);
        if (round.every((batch) => batch.length === 0)) return claimed;
        claimed.push(...round.flat());
      }
    }

    it("gives one job of a lane at a time across processes; the lane's next job only once the first is settled", async () => {
      const ids = await dueJobs(5, 1);

      const [a, b] = await Promise.all([e.a.claim("a", 4, e.now()), e.b.claim("b", 4, e.now())]);
      expect(a.length + b.length).toBe(1);
      const first = [...a, ...b][0]!;
      expect(first.id).toBe(ids[0]);
      expect(await claimRace()).toEqual([]);

      const owner = a.length === 1 ? e.a : e.b;
      expect(await owner.settle(first, synced(e.now()))).toBe(true);
      expect((await claimRace()).map((j) => j.id)).toEqual([ids[1]]);
    });

    it("never claims a job twice, and together the processes claim every due job; the row names the claimer told it won", async () => {
      const ids = await dueJobs(30);

      const claimed = await claimRace();

      const claimedIds = claimed.map((j) => j.id);
      expect(claimedIds).toHaveLength(new Set(claimedIds).size);
      expect(claimedIds.sort()).toEqual([...ids].sort());
      const rows = await e.db.syncJob.findMany({ select: { id: true, leaseOwner: true } });
      const owner = new Map(rows.map((r) => [r.id, r.leaseOwner]));
      for (const job of claimed) expect(owner.get(job.id)).toBe(job.leaseOwner);
    });

    it("is fair across shops: a lane with 200 due jobs does not hold back another shop's new order", async () => {
      await dueJobs(200, 1, "flash-sale.myshopify.com");
      await e.db.syncJob.create({ data: { shop: "quiet.myshopify.com", orderId: "q-1", partner: "testfreaks", nextRunAt: e.now() } });

      const claimed = await e.a.claim("a", 4, e.now());

      expect(claimed.map((j) => j.shop).sort()).toEqual(["0-flash-sale.myshopify.com", "quiet.myshopify.com"]);
    });

    it("takes a lane's live job before its older backfill jobs (app/sync/job-priority.ts)", async () => {
      for (let i = 0; i < 3; i++) {
        await e.db.syncJob.create({ data: { shop: SHOP, orderId: `old-${i}`, partner: "testfreaks", nextRunAt: new Date(e.now().getTime() - 60_000 + i), priority: JOB_PRIORITY.backfill } });
      }
      const live = await e.db.syncJob.create({ data: { shop: SHOP, orderId: "new", partner: "testfreaks", nextRunAt: e.now() } });

      const claimed = await claimRace();

      expect(claimed.map((j) => j.id)).toEqual([live.id]);
    });

    it("takes a lane with live work before lanes with only backfill work, however long those waited", async () => {
      for (let i = 0; i < 5; i++) {
        await e.db.syncJob.create({
          data: { shop: `${i}-history.myshopify.com`, orderId: `old-${i}`, partner: "testfreaks", nextRunAt: new Date(e.now().getTime() - 60_000 + i), priority: JOB_PRIORITY.backfill },
        });
      }
      const live = await e.db.syncJob.create({ data: { shop: "live.myshopify.com", orderId: "new", partner: "testfreaks", nextRunAt: e.now() } });

      const [first] = await e.a.claim("a", 1, e.now());

      expect(first?.id).toBe(live.id);
    });

    it("a backfill lane already waiting its turn goes first once a live job arrives in it", async () => {
      const lanes = ["a", "b", "c"].map((name) => `${name}-history.myshopify.com`);
      for (const [i, shop] of lanes.entries()) {
        await e.db.syncJob.create({ data: { shop, orderId: `old-${i}`, partner: "testfreaks", nextRunAt: new Date(e.now().getTime() - 60_000 + i), priority: JOB_PRIORITY.backfill } });
      }
      const [first] = await e.a.claim("a", 1, e.now());
      expect(first?.shop).toBe(lanes[0]);
      const live = await e.db.syncJob.create({ data: { shop: lanes[2]!, orderId: "new", partner: "testfreaks", nextRunAt: e.now() } });
      await e.a.settle(first!, synced(e.now()));

      const [next] = await e.a.claim("a", 1, e.now());

      expect(next?.id).toBe(live.id);
    });

    it("does not run a job before its nextRunAt", async () => {
      const later = await e.db.syncJob.create({ data: { shop: SHOP, orderId: "later", partner: "testfreaks", nextRunAt: new Date(e.now().getTime() + 30_000) } });

      expect(await claimRace()).toEqual([]);
      await e.advance(31_000);
      expect((await claimRace()).map((j) => j.id)).toEqual([later.id]);
    });

    it("a job whose lease ran out (its worker died) is claimed again, once", async () => {
      const ids = await dueJobs(3);
      expect(await e.a.claim("dead", 4, e.now())).toHaveLength(3);

      await e.advance(LEASE_MS - 1000);
      expect(await e.b.claim("b", 4, e.now())).toEqual([]);
      await e.advance(2000);
      const reclaimed = await claimRace(["b", "c"]);

      expect(reclaimed.map((j) => j.id).sort()).toEqual([...ids].sort());
    });

    it("a renewed lease keeps the job; once lost, the old owner's late settle writes only what the partner accepted", async () => {
      await dueJobs(1);
      const [job] = await e.a.claim("a", 1, e.now());

      await e.advance(LEASE_MS - 1000);
      expect(await e.a.renew([job!], e.now())).toEqual(new Set());
      await e.advance(2000);
      expect(await e.b.claim("b", 1, e.now())).toEqual([]);

      // Not renewed past its new lease: b takes it, and a learns at its next renewal that the job is no longer its own.
      await e.advance(LEASE_MS);
      const [taken] = await e.b.claim("b", 1, e.now());
      expect(taken?.id).toBe(job!.id);
      expect(await e.a.renew([job!], e.now())).toEqual(new Set([job!.id]));
      const late: Settlement = { ...synced(e.now()), status: "failed", lastError: "late", accepted: { remoteId: "R-1", hash: "h1", at: e.now() } };
      expect(await e.a.settle(job!, late)).toBe(false);
      const row = await e.db.syncJob.findUniqueOrThrow({ where: { id: job!.id } });
      expect([row.status, row.lastError, row.leaseOwner, row.remoteId, row.lastSentHash]).toEqual(["pending", null, "b", "R-1", "h1"]);
      // The new owner still settles it.
      expect(await e.b.settle(taken!, synced(e.now()))).toBe(true);
    });

    it("a postponed job is released and not due before its new time", async () => {
      await dueJobs(1);
      const [job] = await e.a.claim("a", 1, e.now());
      await e.a.postpone(job!, new Date(e.now().getTime() + 30_000));

      expect(await claimRace()).toEqual([]);
      await e.advance(31_000);
      expect((await claimRace()).map((j) => j.id)).toEqual([job!.id]);
    });

    it("announce wakes a waiting worker of its own process", async () => {
      const woken = new Promise<void>((resolve) => e.a.onAnnounce(resolve));
      e.a.announce();
      await expect(withIn(woken, 1000)).resolves.toBeUndefined();
    });

    it.runIf(traits.wakesAcrossProcesses)("announce wakes an idle worker of another process quickly, which then claims the new job", async () => {
      const [job] = await dueJobs(1);
      let unsubscribe = () => {};
      const claimedOnWake = new Promise<ClaimedJob[]>((resolve) => {
        unsubscribe = e.b.onAnnounce(() => resolve(e.b.claim("b", 1, e.now())));
      });
      // Let b's listener connect, as an idle worker's would have long before.
      await new Promise((resolve) => setTimeout(resolve, 300));

      e.a.announce();

      expect((await withIn(claimedOnWake, 2000)).map((j) => j.id)).toEqual([job]);
      unsubscribe();
    });
  });
}

function withIn<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`not within ${ms} ms`)), ms))]);
}
