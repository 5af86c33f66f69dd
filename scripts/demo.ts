// npm run demo: the app's main job on this machine, end to end, with no Shopify
// store and no partner accounts. A fresh SQLite store, the local stand-ins, the
// built app with its worker (a real child process), a shop installed and the
// three partners configured through the operator CLI, real webhook payloads
// replayed as signed webhooks, then a table of order x partner -> outcome.
// Exits 0 when every job reached the status the data implies, 1 otherwise.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { freePort } from "../test/support/net";
import path from "node:path";
import { createDb } from "../app/db.server";
import { renderTable } from "../app/cli/table";
import { DUE_STATUSES } from "../app/sync/job-status";
import { loadFixture } from "../test/fixtures/shopify";
import { signWebhook } from "../test/support/webhooks";
import { embeddedQuery } from "../test/support/session-token";
import { startStandIns } from "../test/simulators/all";
import { LOCAL_PARTNERS } from "../test/simulators/local-mode";
import { DEFAULT_SHOP_DOMAIN } from "../test/simulators/shopify-admin";
import { EXPECTED, REPLAY } from "./demo-script";
import { HISTORY_ENV, runHistoryDemo } from "./demo-history";

const SHOP = DEFAULT_SHOP_DOMAIN;
const WORK = path.resolve(".demo");
const SECRET = "demo-app-secret";
const SETTLE_TIMEOUT_MS = 90_000;
/** What `npm run build` compiles and `npm start` / `npm run cli` run (scripts/build-server.ts). */
const SERVER = "build/bin/server.js";
const CLI = "build/bin/cli.js";
/** `npm run demo -- --keep`: leave the app and stand-ins running to look at the admin in a browser. */
const KEEP = process.argv.includes("--keep");

const say = (line: string) => console.log(line);

function run(step: string, command: string, args: string[], env: NodeJS.ProcessEnv) {
  const result = spawnSync(command, args, { env, encoding: "utf8" });
  if (result.status !== 0) {
    throw new Error(`${step} failed (${command} ${args.join(" ")}):\n${result.stdout}${result.stderr}`);
  }
  return result.stdout.trim();
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | null>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => null);
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const DEMO_API_KEY = "demo-api-key";

async function main(): Promise<number> {
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  // With the app's credentials, Shopify's token endpoint in the stand-in can install a shop from the admin (--keep).
  const standIns = await startStandIns({ shopDomain: SHOP, app: { apiKey: DEMO_API_KEY, apiSecret: SECRET } });
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: `file:${path.join(WORK, "demo.sqlite")}`,
    PORT: String(port),
    SHOPIFY_API_KEY: DEMO_API_KEY,
    SHOPIFY_API_SECRET: SECRET,
    SHOPIFY_APP_URL: `http://127.0.0.1:${port}`,
    ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    // The embedded admin in a plain browser: the local App Bridge stand-in (see README "Local mode").
    SHOPIFY_LOCAL_APP_BRIDGE: "1",
    APP_BRIDGE_URL: `http://127.0.0.1:${port}/local-app-bridge.js`,
    // The backfill and reconciliation part (scripts/demo-history.ts).
    ...HISTORY_ENV,
    ...standIns.env,
  };
  let app: ChildProcess | null = null;
  try {
    say(`1. Fresh store at ${env.DATABASE_URL}`);
    run("migrations", "prisma", ["migrate", "deploy"], env);
    say("2. Local stand-ins:");
    for (const [name, url] of Object.entries(standIns.env)) say(`     ${name}=${url}`);

    say("3. Building and starting the app with its worker, as in production");
    run("build", "npm", ["run", "build"], env);
    const logFile = path.join(WORK, "app.log");
    const log = createWriteStream(logFile);
    app = spawn(process.execPath, ["--enable-source-maps", SERVER], { env, stdio: ["ignore", "pipe", "pipe"] });
    app.stdout?.pipe(log);
    app.stderr?.pipe(log);
    const appUrl = `http://127.0.0.1:${port}`;
    await waitFor("the app to answer /healthz", 60_000, async () => ((await fetch(`${appUrl}/healthz`)).ok ? true : null));
    say(`     app at ${appUrl} (log: ${path.relative(process.cwd(), logFile)})`);

    say(`4. Installing ${SHOP} and configuring the partners through the CLI`);
    run("shop:install", process.execPath, [CLI, "shop:install", SHOP], env);
    // Every partner, with the settings its simulator accepts (test/simulators/local-mode.ts).
    for (const [partner, local] of Object.entries(LOCAL_PARTNERS)) {
      const file = path.join(WORK, `${partner}.json`);
      writeFileSync(file, JSON.stringify(local.settings, null, 2));
      say(`     ${run(`partner:configure ${partner}`, process.execPath, [CLI, "partner:configure", SHOP, partner, "--file", file], env)}`);
    }

    say("5. Replaying Shopify webhooks (signed with the app secret)");
    for (const step of REPLAY) {
      const body = loadFixture(step.fixture);
      // The Admin API stand-in learns the order as Shopify would hold it, so an admin Resync can re-read it.
      standIns.shopifyAdmin.recordWebhook(body);
      const webhook = signWebhook({ topic: step.topic, shop: SHOP, body, secret: SECRET, eventId: step.eventId });
      const res = await fetch(`${appUrl}/webhooks/${step.topic}`, { method: "POST", headers: webhook.headers, body });
      say(`     ${step.topic.padEnd(20)} ${step.fixture.padEnd(48)} -> ${res.status} ${await res.text()}${step.note ? `  (${step.note})` : ""}`);
      if (res.status !== 200) throw new Error(`the app refused ${step.fixture}`);
      if (step.settleBefore) await settle(env.DATABASE_URL!);
    }

    say("6. Waiting for every job to settle");
    const rows = await settle(env.DATABASE_URL!);

    say("\nOrder x partner -> outcome\n");
    const table = rows.map((row) => {
      const expected = EXPECTED[row.orderName]?.[row.partner];
      const ok = expected !== undefined && expected === row.status;
      return { ...row, expected: expected ?? "(none)", check: ok ? "ok" : "MISMATCH", detail: row.status === "synced" ? `remote id ${row.remoteId}` : (row.lastError ?? "") };
    });
    say(renderTable(table, ["orderName", "partner", "status", "expected", "check", "attempts", "detail"], 90));
    const missing = Object.entries(EXPECTED).flatMap(([order, partners]) =>
      Object.keys(partners)
        .filter((p) => !rows.some((r) => r.orderName === order && r.partner === p))
        .map((p) => `${order} / ${p}`),
    );
    for (const m of missing) say(`MISSING: no job for ${m}`);

    say("\nWhat the partners hold now\n");
    const checks = partnerChecks(standIns);
    for (const c of checks) say(`  ${c.ok ? "ok      " : "MISMATCH"}  ${c.what}`);

    say("");
    const history = await runHistoryDemo({ standIns, appUrl, env, shop: SHOP, secret: SECRET, cli: CLI, say }, 7);
    say("\nBackfill and reconciliation -> expected\n");
    say(
      renderTable(
        history.map((c) => ({ ...c, check: c.ok ? "ok" : "MISMATCH" })),
        ["what", "value", "expected", "check"],
        90,
      ),
    );
    const bad = table.filter((r) => r.check !== "ok").length + missing.length + checks.filter((c) => !c.ok).length + history.filter((c) => !c.ok).length;
    say(bad === 0 ? `\nDemo passed: all ${table.length} jobs reached the status their data implies.` : `\nDemo FAILED: ${bad} job(s) did not reach the expected status.`);
    if (KEEP) await keepRunning(appUrl);
    return bad === 0 ? 0 : 1;
  } finally {
    app?.kill("SIGTERM");
    await standIns.close();
  }
}

/** Prints an admin URL carrying a session token minted with the demo's app secret, then waits for Ctrl-C. */
async function keepRunning(appUrl: string) {
  const query = embeddedQuery({ shop: SHOP, apiKey: DEMO_API_KEY, secret: SECRET, ttlSeconds: 8 * 3600 });
  say(`\nThe app keeps running. Open the embedded admin in a browser (the link carries a session token valid 8 h):\n  ${appUrl}/app?${query}\nCtrl-C stops everything.`);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
  });
}

/** What the partners' own records must show after the replay: the data reached them as their documents require. */
function partnerChecks(standIns: Awaited<ReturnType<typeof startStandIns>>) {
  const reverb = [...standIns.reverb.state.orders.values()];
  const cancelled = reverb.filter((o) => o.order_number === "#1001");
  const tf1001 = standIns.testfreaks.state.orders.find((o) => o.id === "#1001");
  const tf23301 = standIns.testfreaks.state.orders.find((o) => o.id === "#23301");
  const reversio = standIns.reversio.state.orders.map((o) => o.orderReference);
  const reverbPosts = standIns.reverb.log.filter((r) => r.method === "POST" && r.path.endsWith("/orders")).length;
  return [
    { what: `Reverb: ${reverb.length} orders, one POST each (${reverbPosts} POSTs)`, ok: reverb.length === 4 && reverbPosts === 4 },
    {
      what: `Reverb: #1001 once, cancelled by a PUT to subtotal ${cancelled[0]?.subtotal} (${cancelled[0]?.updates ?? 0} update)`,
      ok: cancelled.length === 1 && cancelled[0]!.subtotal === "0.00" && cancelled[0]!.updates === 1,
    },
    { what: `Revers.io: imported ${reversio.join(", ") || "nothing"} (the EUR-shop order, once fulfilled)`, ok: reversio.length === 1 && reversio[0] === "#29448" },
    { what: `TestFreaks: #1001's items withdrawn (reviewable: ${tf1001?.items.map((i) => i.reviewable).join(", ")})`, ok: !!tf1001 && tf1001.items.every((i) => !i.reviewable) },
    { what: `TestFreaks: #23301 delivered on ${tf23301?.items[0]?.delivery_date}`, ok: tf23301?.items[0]?.delivery_date === "2021-02-22" },
  ];
}

/** Waits until no job is pending, retrying or held by a worker; answers the final rows. */
async function settle(databaseUrl: string) {
  const db = createDb(databaseUrl);
  try {
    return await waitFor("every job to settle", SETTLE_TIMEOUT_MS, async () => {
      // Deliveries still in the inbox become jobs in a moment: not settled yet.
      const merging = await db.webhookEvent.count({ where: { shop: SHOP, processedAt: null, outcome: null } });
      const open = merging + (await db.syncJob.count({ where: { shop: SHOP, OR: [{ status: { in: [...DUE_STATUSES] } }, { leaseOwner: { not: null } }] } }));
      if (open > 0) return null;
      const jobs = await db.syncJob.findMany({ where: { shop: SHOP }, orderBy: [{ orderId: "asc" }, { partner: "asc" }] });
      const names = new Map((await db.orderSnapshot.findMany({ where: { shop: SHOP } })).map((s) => [s.orderId, s.orderName]));
      return jobs.map((j) => ({ orderName: names.get(j.orderId) ?? j.orderId, partner: j.partner, status: j.status, attempts: j.attempts, remoteId: j.remoteId, lastError: j.lastError }));
    });
  } finally {
    await db.$disconnect();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`\nDemo could not run: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
