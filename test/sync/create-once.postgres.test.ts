// The create-once record (app/sync/create-once.server.ts) on Postgres, where the
// production rows live: what a POST that may have applied leaves on the job row, and
// what the merchant's link / mark-handled may change, with the same SQL as SQLite.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { PrismaClient } from "@prisma/client";
import { createDb } from "~/db.server";
import { PartnerError } from "~/connectors/errors";
import { CreateOutcomeUnknown, createOnceGuard, linkCreatedOrder, markCreateHandled } from "~/sync/create-once.server";
import { createMigratedDatabase, startTestPostgres, type TestPostgres } from "../support/postgres";

const SHOP = "pg-create-once.myshopify.com";
let pg: TestPostgres;
let db: PrismaClient;

beforeAll(async () => {
  pg = await startTestPostgres();
  const url = await createMigratedDatabase(pg, "create_once");
  db = createDb(url);
}, 120_000);
afterAll(async () => {
  await db?.$disconnect();
  await pg?.stop();
});

let job: { id: string; leaseOwner: string };
beforeEach(async () => {
  await db.syncJob.deleteMany({ where: { shop: SHOP } });
  const row = await db.syncJob.create({ data: { shop: SHOP, orderId: "1", partner: "reverb", status: "pending", leaseOwner: "worker-a", leaseUntil: new Date(Date.now() + 60_000) } });
  job = { id: row.id, leaseOwner: "worker-a" };
});

const now = () => new Date("2026-12-01T10:00:00Z");
const row = () => db.syncJob.findUniqueOrThrow({ where: { id: job.id } });
const brokenAfterSending = async (): Promise<Response> => {
  throw new TypeError("fetch failed", { cause: Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" }) });
};
const refusedBeforeSending = async (): Promise<Response> => {
  throw new TypeError("fetch failed", { cause: Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }) });
};
/** The connector's call: one POST through the runner's fetch, its failure as requestJson reports it. */
const post = (guard: ReturnType<typeof createOnceGuard>, network: () => Promise<Response>) =>
  guard.sendCreate("Reverb", "Order #1", async () => {
    try {
      return await guard.send("POST", network);
    } catch {
      throw new PartnerError("Reverb could not be reached", "retryable", null, undefined, true);
    }
  });

describe("the create record on Postgres", () => {
  it("a POST that left and got no answer stays recorded as sending, and cannot be claimed again", async () => {
    const guard = createOnceGuard(db, job, now);

    await expect(post(guard, brokenAfterSending)).rejects.toBeInstanceOf(CreateOutcomeUnknown);

    expect(await row()).toMatchObject({ createState: "sending", createSentAt: now() });
    // A second attempt (another guard) cannot record a second POST over it: nothing leaves.
    let sent = false;
    const again = createOnceGuard(db, job, now);
    await expect(post(again, async () => ((sent = true), new Response("{}")))).rejects.toThrow();
    expect(sent).toBe(false);
  });

  it("a connection refused before sending clears the record: the retry may post", async () => {
    const guard = createOnceGuard(db, job, now);

    await expect(post(guard, refusedBeforeSending)).rejects.toBeInstanceOf(PartnerError);

    expect(await row()).toMatchObject({ createState: null, createSentAt: null });
  });

  it("a worker that lost the job's lease sends nothing", async () => {
    await db.syncJob.update({ where: { id: job.id }, data: { leaseOwner: "worker-b" } });
    let sent = false;

    await expect(post(createOnceGuard(db, job, now), async () => ((sent = true), new Response("{}")))).rejects.toThrow();

    expect(sent).toBe(false);
    expect((await row()).createState).toBeNull();
  });

  it("links a waiting order once, marks another handled, and touches neither a job with nothing pending nor another shop's", async () => {
    await db.syncJob.update({ where: { id: job.id }, data: { createState: "accepted_without_id", status: "paused" } });
    const other = await db.syncJob.create({ data: { shop: SHOP, orderId: "2", partner: "reverb", status: "paused", createState: "sending" } });
    await db.syncJob.create({ data: { shop: "other.myshopify.com", orderId: "1", partner: "reverb", status: "paused", createState: "sending" } });

    expect(await linkCreatedOrder(db, "other-shop.myshopify.com", "1", "reverb", "r-1", now())).toEqual({ ok: false, reason: "not_waiting" });
    expect(await linkCreatedOrder(db, SHOP, "1", "reverb", "r-1", now())).toEqual({ ok: true });
    expect(await linkCreatedOrder(db, SHOP, "2", "reverb", "r-1", now())).toEqual({ ok: false, reason: "id_in_use" });
    expect(await markCreateHandled(db, SHOP, "2", "reverb", "handled by you")).toEqual({ ok: true });
    expect(await markCreateHandled(db, SHOP, "1", "reverb", "handled by you")).toEqual({ ok: false, reason: "not_waiting" });

    expect(await row()).toMatchObject({ remoteId: "r-1", createState: null, status: "pending" });
    expect(await db.syncJob.findUniqueOrThrow({ where: { id: other.id } })).toMatchObject({ createState: "handled", status: "skipped", lastError: "handled by you", remoteId: null });
    expect(await db.syncJob.findFirstOrThrow({ where: { shop: "other.myshopify.com" } })).toMatchObject({ createState: "sending", remoteId: null });
  });
});
