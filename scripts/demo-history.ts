// The demo's second part (scripts/demo.ts): a store's history and a missed
// webhook. A few hundred orders derived from the fixtures are given to the Admin
// API stand-in (POST /_local/orders); two of them also arrive as webhooks; the
// operator backfills TestFreaks from a date through the CLI while the app's own
// worker does the work (bulk operation, JSONL, jobs behind live orders). Then an
// order whose webhook Shopify never sent is placed, and an on-demand
// reconciliation recovers it. Answers the checks the demo's verdict counts.
import { spawn } from "node:child_process";
import { createDb } from "../app/db.server";
import { DUE_STATUSES } from "../app/sync/job-status";
import { historyOrders, postHistory } from "../test/simulators/history-orders";
import { signWebhook } from "../test/support/webhooks";
import type { StandIns } from "../test/simulators/all";

export const HISTORY_ORDERS = 240;
/** The demo's environment for this part: TestFreaks' simulator takes any rate, and reconciliation runs when asked (never on its own clock). */
export const HISTORY_ENV = { TESTFREAKS_RATE_PER_SEC: "25", TESTFREAKS_RATE_BURST: "5", RECONCILE_INTERVAL_MINUTES: "0" };

export interface HistoryDemo {
  standIns: StandIns;
  appUrl: string;
  env: NodeJS.ProcessEnv;
  shop: string;
  secret: string;
  /** The built CLI (build/bin/cli.js). */
  cli: string;
  say(line: string): void;
}

export interface Check {
  what: string;
  value: string;
  expected: string;
  ok: boolean;
}

/** Runs the CLI without blocking this process (the stand-ins answer the app from here); prints its lines as they come. */
function cli(demo: HistoryDemo, args: string[]): Promise<{ code: number; lines: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [demo.cli, ...args], { env: { ...demo.env, CLI_POLL_MS: "500" }, stdio: ["ignore", "pipe", "pipe"] });
    const lines: string[] = [];
    const take = (chunk: Buffer) => {
      for (const line of chunk
        .toString("utf8")
        .split("\n")
        .filter((l) => l.trim() !== "")) {
        lines.push(line);
        demo.say(`     | ${line}`);
      }
    };
    child.stdout.on("data", take);
    child.stderr.on("data", take);
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, lines }));
  });
}

async function deliver(demo: HistoryDemo, topic: string, body: string) {
  const webhook = signWebhook({ topic, shop: demo.shop, body, secret: demo.secret });
  const res = await fetch(`${demo.appUrl}/webhooks/${topic}`, { method: "POST", headers: webhook.headers, body });
  if (res.status !== 200) throw new Error(`the app refused a ${topic} webhook: ${res.status}`);
}

const testfreaksOrderIds = (demo: HistoryDemo) => new Set(demo.standIns.testfreaks.state.orders.map((order) => order.id));
const testfreaksPosts = (demo: HistoryDemo, id: string) =>
  demo.standIns.testfreaks.log.filter((r) => r.method === "POST" && r.path.endsWith("/orders") && (r.body as { order?: { id?: string } })?.order?.id === id).length;

export async function runHistoryDemo(demo: HistoryDemo, step: number): Promise<Check[]> {
  // The first day sent, from its start (UTC): sync:backfill --since takes a day.
  const sinceDay = new Date(Date.now() - 90 * 86_400_000).toISOString().slice(0, 10);
  const since = new Date(`${sinceDay}T00:00:00Z`);
  // Two older orders (before the date) and the rest since, about one every eight hours.
  const bodies = historyOrders(HISTORY_ORDERS, { from: new Date(since.getTime() - 2 * 8 * 3_600_000), spacingMs: 8 * 3_600_000, namePrefix: "B", firstId: 7_100_000_000_000n });
  const before = bodies.slice(0, 2);
  const after = bodies.slice(2);
  demo.say(`${step}. A store's history: ${bodies.length} orders derived from the fixtures, given to the Admin API stand-in (POST /_local/orders)`);
  await postHistory(demo.standIns.shopifyAdmin.url, bodies);
  // Two of them the app already heard of by webhook (sent before the backfill: not sent again).
  for (const body of after.slice(0, 2)) await deliver(demo, "orders/create", body);

  demo.say(`${step + 1}. Backfilling TestFreaks with the orders placed since ${sinceDay} (npm run cli -- sync:backfill ... --since ${sinceDay} --partner testfreaks)`);
  const backfill = await cli(demo, ["sync:backfill", demo.shop, "--since", sinceDay, "--partner", "testfreaks"]);

  // The missed webhook: an order placed now whose webhook Shopify never sent.
  const [missed] = historyOrders(1, { from: new Date(Date.now() - 60_000), namePrefix: "R", firstId: 7_200_000_000_000n });
  await postHistory(demo.standIns.shopifyAdmin.url, [missed!]);
  demo.say(`${step + 2}. Order #R1001 placed in the store; its webhook never comes. Reconciliation on demand (npm run cli -- sync:reconcile ...)`);
  const reconcile = await cli(demo, ["sync:reconcile", demo.shop]);
  const recoveredJob = await waitForSynced(demo, "7200000000000");

  const db = createDb(demo.env.DATABASE_URL);
  try {
    const row = await db.backfill.findFirst({ where: { shop: demo.shop }, orderBy: { startedAt: "desc" } });
    const ids = testfreaksOrderIds(demo);
    const sent = after.map((_, i) => `#B${1003 + i}`);
    const twice = sent.filter((id) => testfreaksPosts(demo, id) > 1);
    const reconciliation = await db.reconciliation.findUnique({ where: { shop: demo.shop } });
    return [
      { what: "sync:backfill exit code", value: String(backfill.code), expected: "0", ok: backfill.code === 0 },
      { what: "backfill status", value: row?.status ?? "none", expected: "finished", ok: row?.status === "finished" },
      { what: "orders read (since the date)", value: String(row?.ordersRead), expected: String(after.length), ok: row?.ordersRead === after.length },
      { what: "orders queued / already up to date", value: `${row?.queued} / ${row?.unchanged}`, expected: `${after.length - 2} / 2`, ok: row?.queued === after.length - 2 && row?.unchanged === 2 },
      {
        what: "backfill jobs synced / failed / skipped",
        value: `${row?.synced} / ${row?.failed} / ${row?.skipped}`,
        expected: `${after.length - 2} / 0 / 0`,
        ok: row?.synced === after.length - 2 && row?.failed === 0 && row?.skipped === 0,
      },
      {
        what: "TestFreaks holds every order since the date",
        value: `${sent.filter((id) => ids.has(id)).length} of ${sent.length}`,
        expected: `${sent.length} of ${sent.length}`,
        ok: sent.every((id) => ids.has(id)),
      },
      { what: "orders sent to TestFreaks twice", value: String(twice.length), expected: "0", ok: twice.length === 0 },
      { what: "orders before the date sent", value: String(before.filter((_, i) => ids.has(`#B${1001 + i}`)).length), expected: "0", ok: !ids.has("#B1001") && !ids.has("#B1002") },
      { what: "sync:reconcile exit code", value: String(reconcile.code), expected: "0", ok: reconcile.code === 0 },
      { what: "orders reconciliation recovered", value: String(reconciliation?.lastRecovered), expected: "1", ok: reconciliation?.lastRecovered === 1 },
      { what: "#R1001 (webhook never sent) synced to TestFreaks", value: recoveredJob ?? "not synced", expected: "synced", ok: recoveredJob === "synced" && ids.has("#R1001") },
    ];
  } finally {
    await db.$disconnect();
  }
}

async function waitForSynced(demo: HistoryDemo, orderId: string): Promise<string | null> {
  const db = createDb(demo.env.DATABASE_URL);
  try {
    for (let i = 0; i < 120; i++) {
      const job = await db.syncJob.findFirst({ where: { shop: demo.shop, orderId, partner: "testfreaks" } });
      if (job && !(DUE_STATUSES as readonly string[]).includes(job.status) && !job.leaseOwner) {
        // TestFreaks' simulator has it once the job settles; let the table say what it holds.
        return job.status;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    return null;
  } finally {
    await db.$disconnect();
  }
}
