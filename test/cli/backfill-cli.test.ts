// sync:backfill, sync:backfill-cancel, sync:reconcile and sync:status's history
// lines, with a worker and the backfill runner running as in production, against
// the Admin API stand-in and the TestFreaks simulator.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli, UsageError, type CliIo } from "~/cli/main";
import { silentLogger } from "~/logger";
import { shopGraphql, startHistoryTasks, type HistoryTasks } from "~/sync/backfill-runner.server";
import { startWorker, type Worker } from "~/sync/worker.server";
import { historyOrders, postHistory } from "../simulators/history-orders";
import { SHOP, startPipeline, type Pipeline } from "../sync/fixtures";

let p: Pipeline;
let worker: Worker;
let tasks: HistoryTasks;
let out: string[];
let err: string[];
let io: CliIo;

beforeEach(async () => {
  p = await startPipeline();
  worker = startWorker(p.h.ctx.runner, { pollIntervalMs: 50 });
  const ctx = p.h.ctx;
  tasks = startHistoryTasks({ db: ctx.db, graphqlFor: shopGraphql(ctx), logger: silentLogger, pollMs: 20, queued: () => ctx.runner.queue.announce() }, { intervalMs: 50, reconcileIntervalMinutes: 0 });
  out = [];
  err = [];
  io = { out: (l) => out.push(l), err: (l) => err.push(l), env: { CLI_POLL_MS: "50" } };
});
afterEach(async () => {
  await tasks.stop();
  await worker.stop();
  await p.close();
});

const cli = (...argv: string[]) => runCli(argv, io, p.h.ctx.db);

describe("operator CLI: backfill and reconciliation", () => {
  it("sync:backfill prints progress until every order is synced and exits 0; sync:status then lists the backfill", async () => {
    await postHistory(p.admin.url, historyOrders(15, { from: new Date("2026-03-01T00:00:00Z") }));

    expect(await cli("sync:backfill", SHOP, "--since", "2026-03-01", "--partner", "testfreaks")).toBe(0);

    expect(out[0]).toMatch(/^Backfill \w+ started for sync-test\.myshopify\.com: orders since 2026-03-01, testfreaks\.$/);
    expect(out.at(-1)).toMatch(/^\[100%\] Backfill since 2026-03-01 for TestFreaks finished.*15 orders read, 15 orders sent: 15 synced, 0 failed, 0 skipped\.$/);
    out = [];
    expect(await cli("sync:status", SHOP)).toBe(0);
    const text = out.join("\n");
    expect(text).toMatch(/Backfills \(newest first\):\nid\s+partner\s+since\s+status\s+progress\s+read\s+queued\s+synced\s+failed\s+skipped\s+upToDate\s+eta/);
    expect(text).toMatch(/testfreaks\s+2026-03-01\s+finished\s+100%\s+15\/15\s+15\s+15\s+0\s+0\s+0/);
  });

  it("sync:backfill --detach returns at once; sync:backfill-cancel stops it", async () => {
    p.admin.history.knobs.holdBulk = true;
    await postHistory(p.admin.url, historyOrders(3, { from: new Date("2026-03-01T00:00:00Z") }));

    expect(await cli("sync:backfill", SHOP, "--since", "2026-03-01", "--detach")).toBe(0);
    expect(out.at(-1)).toMatch(/follow it with: npm run cli -- sync:status sync-test\.myshopify\.com/);
    expect(await cli("sync:backfill", SHOP, "--since", "2026-03-01")).toBe(1);
    expect(err.at(-1)).toMatch(/already running/);

    expect(await cli("sync:backfill-cancel", SHOP)).toBe(0);
    expect((await p.h.ctx.db.backfill.findFirstOrThrow()).status).toBe("cancelled");
    await expect(cli("sync:backfill", SHOP)).rejects.toThrow(UsageError);
  }, 30_000);

  it("sync:reconcile asks a worker for a run, waits for it and prints what it recovered", async () => {
    // Orders placed since the install (reconciliation's first run looks back to it) whose webhooks never came.
    await postHistory(p.admin.url, historyOrders(4, { from: new Date(Date.now() - 60_000), spacingMs: 1000 }));

    expect(await cli("sync:reconcile", SHOP)).toBe(0);

    expect(out.at(-1)).toMatch(/compared with Shopify, 4 missed orders recovered \(4 in all\)\./);
  });
});
