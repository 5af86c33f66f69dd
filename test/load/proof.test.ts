// The proof under load, faults and restarts, on Postgres: two web processes
// taking webhooks in turn, two worker processes, 50 shops, 5,000 signed
// deliveries (duplicates, out-of-order updates, fulfillments), partner
// simulators answering with 5xx, 429 + Retry-After, slow answers and dropped
// connections, and one worker killed with SIGKILL halfway (a replacement is
// started at once, as a supervisor would). It checks what the app promises from
// the outside only: HTTP answers, the database's rows, the simulators' logs, so
// it holds whichever job engine runs.
//
// Run alone: `npx vitest run test/load`. It takes minutes: LOAD_DELIVERIES
// (default 5000) makes a smaller run for a quick look.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { partnerRates } from "~/config.server";
import { connectors } from "~/connectors/registry";
import { createAppContext, type AppContext } from "~/context.server";
import { createDb } from "~/db.server";
import { silentLogger } from "~/logger";
import { installShopLocally } from "~/shopify/install.server";
import { savePartnerConfig } from "~/sync/partner-config.server";
import { loadFixture, orderFixtureNames } from "../fixtures/shopify";
import { startReverbSimulator, type ReverbSimulator } from "../simulators/reverb";
import { productsFromFixtures, startShopifyAdminStandIn, type ShopifyAdminStandIn } from "../simulators/shopify-admin";
import { startTestfreaksSimulator, type TestfreaksSimulator } from "../simulators/testfreaks";
import type { Knobs } from "../simulators/server";
import { TEST_SECRET, testEnv } from "../support/harness";
import { freePort } from "../support/net";
import { createMigratedDatabase, startTestPostgres, type TestPostgres } from "../support/postgres";
import { postWebhook, signWebhook } from "../support/webhooks";

const ROOT = path.resolve(import.meta.dirname, "../..");
const LOGS = path.join(ROOT, "test-artifacts/logs");
const SHOPS = 50;
const DELIVERIES = Number(process.env.LOAD_DELIVERIES ?? 5000);
/** Per order: create, its duplicate, five updates in shuffled order, one duplicated, a fulfillment and its duplicate. */
const PER_ORDER = 10;
const IN_FLIGHT = 32;
const SETTLE_MS = 240_000;
/** A request that reached a partner this long before the SIGKILL may have been answered to a process that then died. */
const KILL_WINDOW_MS = 1000;

// Low per-lane rates, so that a lane with a backlog meets its limit during the run.
const RATE_ENV = { REVERB_RATE_PER_SEC: "2", REVERB_RATE_BURST: "2", TESTFREAKS_RATE_PER_SEC: "1", TESTFREAKS_RATE_BURST: "1" };
// Every fault at once; 5xx and drops happen before the simulator handles the request.
const FAULTS: Partial<Knobs> = { latencyMs: 40, failureRate: 0.03, dropRate: 0.02, throttle: { share: 0.02, retryAfterSec: [1, 2] } };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Shop {
  domain: string;
  reverbKey: string;
  websiteUuid: string;
  tfClientId: string;
}

interface Delivery {
  shop: string;
  topic: string;
  eventId: string;
  body: string;
  /** The web instance it goes to (0 or 1); a duplicate goes to the other one. */
  instance: number;
  orderId: string;
  /** updated_at of an order payload (null for a fulfillment). */
  updatedAt: string | null;
  status?: number;
}

/** A seeded generator: the same plan every run, so a failure can be replayed. */
function mulberry32(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ORDER_TEXT = loadFixture("orders-create.gbp-presentment");
const FULFILLMENT_TEXT = loadFixture("fulfillments-create.gbp-presentment.derived");
const FIXTURE_ORDER_ID = "11985328570699";
const FIXTURE_FULFILLMENT_ID = "5678901234567";
const BASE_TIME = Date.parse("2026-03-02T10:00:00Z");
const FIRST_ORDER_ID = 7_000_000_000_000;
const FIRST_ORDER_NUMBER = 5000;
/** A fulfillment's id is its order's plus this. */
const FULFILLMENT_ID_OFFSET = 1_000_000_000_000;

/** The fixture order as another order: its id everywhere, its number and name, a top-level updated_at. Raw text: ids pass 2^53. */
function orderBody(orderId: string, number: number, updatedAt: string): string {
  return ORDER_TEXT.replaceAll(FIXTURE_ORDER_ID, orderId)
    .replace(/\n {2}"name": "#29448"/, `\n  "name": "#${number}"`)
    .replace(/\n {2}"order_number": 29448/, `\n  "order_number": ${number}`)
    .replace(/\n {2}"updated_at": "[^"]*"/, `\n  "updated_at": "${updatedAt}"`);
}

function fulfillmentBody(orderId: string, fulfillmentId: string, number: number): string {
  return FULFILLMENT_TEXT.replaceAll(FIXTURE_ORDER_ID, orderId).replaceAll(FIXTURE_FULFILLMENT_ID, fulfillmentId).replaceAll("#29448", `#${number}`);
}

function plan(shops: Shop[], random: () => number): Delivery[] {
  const orders = Math.floor(DELIVERIES / PER_ORDER);
  const deliveries: Delivery[] = [];
  for (let n = 0; n < orders; n++) {
    const shop = shops[n % shops.length]!.domain;
    const orderId = String(FIRST_ORDER_ID + n);
    const number = FIRST_ORDER_NUMBER + n;
    const at = (minutes: number) => new Date(BASE_TIME + n * 3_600_000 + minutes * 60_000).toISOString();
    const instance = n % 2;
    const add = (topic: string, body: string, eventId: string, updatedAt: string | null, on: number) => deliveries.push({ shop, topic, eventId, body, instance: on, orderId, updatedAt });
    const createBody = orderBody(orderId, number, at(0));
    add("orders/create", createBody, `create-${orderId}`, at(0), instance);
    add("orders/create", createBody, `create-${orderId}`, at(0), 1 - instance);
    for (let k = 1; k <= 5; k++) add("orders/updated", orderBody(orderId, number, at(k)), `update-${orderId}-${k}`, at(k), (instance + k) % 2);
    const duplicated = 1 + Math.floor(random() * 5);
    add("orders/updated", orderBody(orderId, number, at(duplicated)), `update-${orderId}-${duplicated}`, at(duplicated), (instance + duplicated + 1) % 2);
    const fulfillment = fulfillmentBody(orderId, String(Number(orderId) + FULFILLMENT_ID_OFFSET), number);
    add("fulfillments/create", fulfillment, `fulfil-${orderId}`, null, instance);
    add("fulfillments/create", fulfillment, `fulfil-${orderId}`, null, 1 - instance);
  }
  // Shopify keeps no order between deliveries: creates after updates, fulfillments before their order, duplicates apart.
  for (let i = deliveries.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [deliveries[i], deliveries[j]] = [deliveries[j]!, deliveries[i]!];
  }
  return deliveries;
}

interface AppProcess {
  name: string;
  child: ChildProcess;
  exited: Promise<NodeJS.Signals | number | null>;
  output(): string;
  stop(): Promise<void>;
}

function startApp(name: string, args: string[], env: Record<string, string>): AppProcess {
  mkdirSync(LOGS, { recursive: true });
  const file = createWriteStream(path.join(LOGS, `load-${name}.log`));
  let tail = "";
  const child = spawn(process.execPath, ["--import", "tsx", ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on("data", (chunk: Buffer) => {
      file.write(chunk);
      tail = (tail + chunk.toString()).slice(-20_000);
    });
  }
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.once("exit", (code, signal) => resolve(signal ?? code)));
  void exited.then(() => file.end());
  return {
    name,
    child,
    exited,
    output: () => tail,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      await Promise.race([exited, sleep(10_000).then(() => child.kill("SIGKILL"))]);
    },
  };
}

async function until(what: string, timeoutMs: number, probe: () => Promise<boolean> | boolean, whyNot: () => string = () => "") {
  const deadline = Date.now() + timeoutMs;
  while (
    !(await Promise.resolve()
      .then(probe)
      .catch(() => false))
  ) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}\n${whyNot()}`);
    await sleep(250);
  }
}

let pg: TestPostgres;
let ctx: AppContext;
let reverb: ReverbSimulator;
let testfreaks: TestfreaksSimulator;
let admin: ShopifyAdminStandIn;
let buildDir: string;
const processes: AppProcess[] = [];

beforeAll(async () => {
  // Each app process keeps its own pools (Prisma's and pg-boss's, up to about 16
  // connections): two web and two worker processes need more than the default 50.
  pg = await startTestPostgres({ maxConnections: 150 });
}, 120_000);

afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop()));
  await ctx?.runner.queue.close();
  await ctx?.db.$disconnect();
  await Promise.all([reverb?.close(), testfreaks?.close(), admin?.close()]);
  await pg?.stop();
  if (buildDir) rmSync(buildDir, { recursive: true, force: true });
}, 60_000);

it(`${DELIVERIES} deliveries for ${SHOPS} shops through two web and two worker processes, one worker killed halfway: every delivery kept, every job settled, each Reverb order created once, one request at a time per lane, within the lane's rate`, async () => {
  const started = Date.now();
  const url = await createMigratedDatabase(pg, "load");

  const random = mulberry32(20260302);
  const shops: Shop[] = Array.from({ length: SHOPS }, (_, i) => ({
    domain: `load-${String(i).padStart(2, "0")}.myshopify.com`,
    reverbKey: `ck_load_${i}`,
    websiteUuid: randomUUID(),
    tfClientId: `load-${i}.example.com`,
  }));
  reverb = await startReverbSimulator({
    credentials: shops.map((s) => ({ consumerKey: s.reverbKey, consumerSecret: `cs_load_${s.reverbKey}`, websiteUuid: s.websiteUuid })),
    knobs: FAULTS,
  });
  testfreaks = await startTestfreaksSimulator({ apiKeys: Object.fromEntries(shops.map((s, i) => [`sk_load_${i}`, s.tfClientId])), knobs: FAULTS });
  const appEnv = testEnv({}) as Record<string, string>;
  admin = await startShopifyAdminStandIn({
    products: productsFromFixtures(orderFixtureNames.map(loadFixture)),
    oauth: { app: { apiKey: appEnv.SHOPIFY_API_KEY!, apiSecret: TEST_SECRET } },
  });

  // The web processes serve webhooks ahead of Remix (server.ts): the admin's build is
  // never reached, so they get an empty one rather than wait for `remix vite:build`.
  buildDir = mkdtempSync(path.join(tmpdir(), "load-build-"));
  mkdirSync(path.join(buildDir, "server"));
  mkdirSync(path.join(buildDir, "client"));
  writeFileSync(
    path.join(buildDir, "server/index.js"),
    `export const routes = {}; export const entry = { module: {} }; export const assets = { routes: {}, entry: { module: "", imports: [] }, url: "", version: "0" };
export const future = {}; export const publicPath = "/"; export const assetsBuildDirectory = "."; export const basename = "/"; export const isSpaMode = false; export const mode = "production";\n`,
  );

  const env: Record<string, string> = {
    ...appEnv,
    ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    DATABASE_URL: url,
    NODE_ENV: "production",
    APP_BUILD_DIR: buildDir,
    REVERB_API_URL: reverb.url,
    TESTFREAKS_API_URL: testfreaks.url,
    SHOPIFY_LOCAL_ADMIN_URL: admin.url,
    WORKER_CONCURRENCY: "8",
    ...RATE_ENV,
  };
  ctx = createAppContext(env, { db: createDb(url), logger: silentLogger });
  for (const [i, shop] of shops.entries()) {
    await installShopLocally(ctx.db, shop.domain);
    const settings = {
      reverb: { consumerKey: shop.reverbKey, consumerSecret: `cs_load_${shop.reverbKey}`, websiteUuid: shop.websiteUuid, campaignUuid: randomUUID() },
      testfreaks: { apiKey: `sk_load_${i}`, clientId: shop.tfClientId },
    };
    for (const partner of ["reverb", "testfreaks"] as const) {
      const saved = await savePartnerConfig(ctx.db, ctx.keyring, shop.domain, connectors[partner], settings[partner]);
      if (!saved.ok) throw new Error(JSON.stringify(saved.fieldErrors));
    }
  }

  const webPorts = [await freePort(), await freePort()];
  const webs = webPorts.map((port, i) => startApp(`web-${i}`, ["server.ts"], { ...env, PORT: String(port), SHOPIFY_APP_URL: `http://127.0.0.1:${port}`, WORKER: "off" }));
  const startWorker = (name: string) => startApp(name, ["app/cli/worker.ts"], env);
  const workers = [startWorker("worker-a"), startWorker("worker-b")];
  processes.push(...webs, ...workers);
  const allLogs = () => processes.map((p) => `--- ${p.name}\n${p.output().slice(-3000)}`).join("\n");
  // Ready when they say so (/healthz is a Remix route, which the empty build does not have).
  for (const web of webs) await until(`${web.name} to listen`, 90_000, () => web.output().includes("app listening"), allLogs);
  for (const worker of workers) await until(`${worker.name} to start`, 90_000, () => worker.output().includes("worker started"), allLogs);
  const ready = Date.now();

  // Send: bounded concurrency, alternating instances; a delivery answered 5xx or not at all is sent again, as Shopify does.
  const deliveries = plan(shops, random);
  let next = 0;
  let killedAt = 0;
  const killHalfway = async () => {
    const victim = workers[0]!;
    victim.child.kill("SIGKILL");
    expect(await victim.exited).toBe("SIGKILL");
    processes.push(startWorker("worker-c"));
    killedAt = Date.now();
  };
  let killing: Promise<void> | null = null;
  const sender = async () => {
    for (;;) {
      const index = next++;
      if (index >= deliveries.length) return;
      if (index === Math.floor(deliveries.length / 2)) killing = killHalfway();
      const delivery = deliveries[index]!;
      const webhook = signWebhook({ topic: delivery.topic, shop: delivery.shop, body: delivery.body, secret: TEST_SECRET, eventId: delivery.eventId });
      for (let attempt = 0; attempt < 6; attempt++) {
        const base = `http://127.0.0.1:${webPorts[(delivery.instance + attempt) % 2]}`;
        delivery.status = await postWebhook(base, webhook)
          .then(async (res) => (await res.arrayBuffer(), res.status))
          .catch(() => 0);
        if (delivery.status >= 200 && delivery.status < 500) break;
        await sleep(250 * 2 ** attempt);
      }
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, sender));
  await killing;
  const sent = Date.now();

  // Settled: nothing waits in the inbox, no job is due or running, no lease is held.
  const open = async () => ({
    inbox: await ctx.db.webhookEvent.count({ where: { processedAt: null } }),
    jobs: await ctx.db.syncJob.count({ where: { OR: [{ status: { in: ["pending", "retrying"] } }, { leaseOwner: { not: null } }] } }),
    lanes: await ctx.db.syncLane.count({ where: { leaseOwner: { not: null } } }),
  });
  let last = await open();
  await until(
    "every job to settle",
    SETTLE_MS,
    async () => {
      last = await open();
      return last.inbox === 0 && last.jobs === 0 && last.lanes === 0;
    },
    () => `still open: ${JSON.stringify(last)}\n${allLogs()}`,
  );
  const settled = Date.now();

  // 1. Every delivery was answered 2xx (retried as Shopify would), and every one is in the inbox.
  const unanswered = deliveries.filter((d) => d.status === undefined || d.status < 200 || d.status >= 300);
  expect.soft(unanswered.map((d) => `${d.eventId}: ${d.status}`)).toEqual([]);
  const events = await ctx.db.webhookEvent.findMany({ select: { shop: true, eventId: true, outcome: true } });
  const stored = new Set(events.map((e) => `${e.shop} ${e.eventId}`));
  const distinct = new Set(deliveries.map((d) => `${d.shop} ${d.eventId}`));
  expect.soft([...distinct].filter((key) => !stored.has(key))).toEqual([]);
  expect.soft(events.length).toBe(distinct.size);

  // 2. Every job settled, and with these faults (retryable, few) every one synced, except a Reverb
  // order whose POST got no answer (dropped, or in flight when the worker was killed): it may have
  // applied, so it waits for the merchant instead of posting again (docs/partners/reverb.md).
  const jobs = await ctx.db.syncJob.findMany({ select: { shop: true, orderId: true, partner: true, status: true, lastError: true, createState: true } });
  const orderKeys = new Set(deliveries.map((d) => `${d.shop} ${d.orderId}`));
  expect.soft(jobs.length).toBe(orderKeys.size * 2);
  const waitingForMerchant = jobs.filter((j) => j.partner === "reverb" && j.status === "paused" && (j.createState === "sending" || j.createState === "accepted_without_id"));
  expect.soft(jobs.filter((j) => j.status !== "synced" && !waitingForMerchant.includes(j)).map((j) => `${j.shop} ${j.orderId} ${j.partner}: ${j.status} ${j.lastError ?? ""}`)).toEqual([]);

  // 3. Each order's snapshot is its newest state.
  const newest = new Map<string, string>();
  for (const d of deliveries) {
    const key = `${d.shop} ${d.orderId}`;
    if (d.updatedAt && (newest.get(key) ?? "") < d.updatedAt) newest.set(key, d.updatedAt);
  }
  const snapshots = await ctx.db.orderSnapshot.findMany({ select: { shop: true, orderId: true, shopifyUpdatedAt: true, payload: true } });
  expect.soft(snapshots.length).toBe(orderKeys.size);
  const behind = snapshots.filter((s) => s.shopifyUpdatedAt.toISOString() !== newest.get(`${s.shop} ${s.orderId}`));
  expect.soft(behind.map((s) => `${s.shop} ${s.orderId}: ${s.shopifyUpdatedAt.toISOString()} not ${newest.get(`${s.shop} ${s.orderId}`)}`)).toEqual([]);
  // Every fulfillment was merged into its order, whichever arrived first.
  expect.soft(snapshots.filter((s) => !s.payload.includes(String(Number(s.orderId) + FULFILLMENT_ID_OFFSET))).map((s) => s.orderId)).toEqual([]);

  // 4. Reverb: each order created once, with no exception: a POST whose answer the app never
  // read (dropped, or the killed worker's) is recorded on its job before it leaves and never
  // sent again (app/sync/create-once.server.ts). Such an order is in Reverb if the simulator
  // applied it, and its job waits for the merchant either way.
  const websiteOf = new Map(shops.map((s) => [s.reverbKey, s.websiteUuid]));
  const orderKey = (domain: string, orderId: string) => `${shops.find((s) => s.domain === domain)!.websiteUuid} #${FIRST_ORDER_NUMBER + Number(orderId) - FIRST_ORDER_ID}`;
  const created = new Map<string, number>();
  const postUnanswered = new Set<string>();
  for (const r of reverb.log) {
    if (r.method !== "POST" || !/\/orders$/.test(r.path)) continue;
    const key = `${websiteOf.get(r.key ?? "")} ${(r.body as { order_number?: string }).order_number}`;
    if (r.status === 200) created.set(key, (created.get(key) ?? 0) + 1);
    if (r.status < 0 || r.clientGone || (r.at >= killedAt - KILL_WINDOW_MS && r.at <= killedAt)) postUnanswered.add(key);
  }
  const waitingOrders = new Set(waitingForMerchant.map((j) => orderKey(j.shop, j.orderId)));
  expect.soft([...waitingOrders].filter((key) => !postUnanswered.has(key)).map((key) => `${key}: waits for the merchant, but its POST was answered`)).toEqual([]);
  const expectedOrders = new Set<string>();
  for (const d of deliveries) expectedOrders.add(orderKey(d.shop, d.orderId));
  expect.soft([...expectedOrders].filter((key) => !created.has(key) && !waitingOrders.has(key))).toEqual([]);
  const repeated = [...created].filter(([, count]) => count > 1);
  expect.soft(repeated.map(([key, count]) => `${key}: POSTed ${count} times`)).toEqual([]);
  // TestFreaks upserts by order id: every order is there once.
  expect.soft(testfreaks.state.orders.length).toBe(orderKeys.size);

  // 5. One request at a time per shop and partner, and no lane above its configured rate.
  const rates = partnerRates(env);
  const ceiling = (partner: "reverb" | "testfreaks") => Math.floor(rates[partner]!.burst + rates[partner]!.perSec) + 1;
  const lanes = [
    ...[...reverb.keyStats(1000)].map(([key, stats]) => ({ lane: `reverb ${key}`, stats, ceiling: ceiling("reverb") })),
    ...[...testfreaks.keyStats(1000)].map(([key, stats]) => ({ lane: `testfreaks ${key}`, stats, ceiling: ceiling("testfreaks") })),
  ];
  expect.soft(lanes.length).toBe(SHOPS * 2);
  expect.soft(lanes.filter((l) => l.stats.maxConcurrent > 1).map((l) => `${l.lane}: ${l.stats.maxConcurrent} at once`)).toEqual([]);
  expect.soft(lanes.filter((l) => l.stats.maxInWindow > l.ceiling).map((l) => `${l.lane}: ${l.stats.maxInWindow} in 1 s (at most ${l.ceiling})`)).toEqual([]);

  // The run's figures, for the record (soft assertions above do not stop the test before them).
  const count = (log: { status: number }[], status: number) => log.filter((r) => r.status === status).length;
  const maxWindow = (partner: string) => Math.max(...lanes.filter((l) => l.lane.startsWith(partner)).map((l) => l.stats.maxInWindow));
  console.log(
    [
      `load proof: ${deliveries.length} deliveries (${distinct.size} distinct), ${orderKeys.size} orders, ${SHOPS} shops`,
      `  setup ${((ready - started) / 1000).toFixed(0)} s, sending ${((sent - ready) / 1000).toFixed(0)} s, settling ${((settled - sent) / 1000).toFixed(0)} s; worker killed at ${((killedAt - ready) / 1000).toFixed(0)} s`,
      `  reverb: ${reverb.log.length} requests (${count(reverb.log, 500)} x 500, ${count(reverb.log, 429)} x 429, ${count(reverb.log, -2)} dropped), max ${maxWindow("reverb")} in 1 s per lane (ceiling ${ceiling("reverb")})`,
      `  testfreaks: ${testfreaks.log.length} requests (${count(testfreaks.log, 500)} x 500, ${count(testfreaks.log, 429)} x 429, ${count(testfreaks.log, -2)} dropped), max ${maxWindow("testfreaks")} in 1 s per lane (ceiling ${ceiling("testfreaks")})`,
      `  reverb orders waiting for the merchant (POST unanswered, never re-posted): ${waitingOrders.size}`,
    ].join("\n"),
  );
}, 900_000);
