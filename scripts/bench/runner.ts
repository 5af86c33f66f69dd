// Runs the app the production way for the benchmark: `npm run build` once, then
// `node build/bin/server.js` (the web process) and `node build/bin/worker.js`
// as child processes on the README's environment, against local stand-ins of
// TestFreaks and the Shopify Admin API that live in this process and answer at once.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync } from "node:fs";
import { availableParallelism, cpus, tmpdir } from "node:os";
import path from "node:path";
import { stringify, parse } from "lossless-json";
import { createKeyring, type Keyring } from "~/security/secrets.server";
import { loadFixture, orderFixtureNames } from "../../test/fixtures/shopify";
import { startTestfreaksSimulator, type TestfreaksSimulator } from "../../test/simulators/testfreaks";
import { productsFromFixtures, startShopifyAdminStandIn, type ShopifyAdminStandIn } from "../../test/simulators/shopify-admin";
import { freePort } from "../../test/support/net";
import { postWebhook, signWebhook } from "../../test/support/webhooks";

export const ROOT = path.resolve(import.meta.dirname, "../..");

/** The V8 flags the worker process starts with (scripts/worker-node-flags, as scripts/run-built.sh reads them): the bench measures what runs in production. */
export function workerNodeFlags(): string[] {
  const flags =
    process.env.WORKER_NODE_FLAGS ??
    readFileSync(path.join(appDir, "scripts/worker-node-flags"), "utf8")
      .split("\n")
      .filter((line) => !line.startsWith("#"))
      .join(" ");
  return flags.split(/\s+/).filter(Boolean);
}
export const SECRET = "bench-app-secret";
const API_KEY = "bench-api-key";
const ENCRYPTION_KEY = randomBytes(32).toString("base64");
export const keyring: Keyring = createKeyring(ENCRYPTION_KEY);

/**
 * Shopify's own orders/updated body (a real delivery, 16,243 bytes: the project's
 * fixture nearest the ~17 KB of a typical order webhook, and one TestFreaks takes).
 */
export const ORDER_FIXTURE = "orders-updated.tracking-delivered-usd";
export const ORDER_BODY = loadFixture(ORDER_FIXTURE);

/** The fixture as another order: its own id and name (the name is the order id TestFreaks sees). */
export function orderBody(id: number, name: string): string {
  const template = parse(ORDER_BODY) as Record<string, unknown>;
  return stringify({ ...template, id, admin_graphql_api_id: `gid://shopify/Order/${id}`, name }) as string;
}

/** Posts a signed orders/updated webhook for `shop` to the app. */
export function sendOrder(appUrl: string, shop: string, body: string): Promise<Response> {
  return postWebhook(appUrl, signWebhook({ topic: "orders/updated", shop, body, secret: SECRET }));
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Where the built app runs from: a checkout of HEAD (see buildApp). */
let appDir = ROOT;

/**
 * `npm run build` once, in a fresh export of the last commit (its node_modules
 * linked to this one's) unless BENCH_TREE=working: the figures are then those
 * of committed code, whatever is being edited in the working tree meanwhile,
 * and the working tree's build/ is left alone. Answers what was built and a cleanup.
 */
export function buildApp(): { what: string; cleanup(): void } {
  const git = (...args: string[]) => spawnSync("git", args, { cwd: ROOT, encoding: "utf8" }).stdout.trim();
  const working = process.env.BENCH_TREE === "working";
  let cleanup = () => {};
  if (!working) {
    appDir = mkdtempSync(path.join(tmpdir(), "partner-sync-bench-src-"));
    const exported = spawnSync("bash", ["-c", `git archive HEAD | tar -x -C "${appDir}"`], { cwd: ROOT, encoding: "utf8" });
    if (exported.status !== 0) throw new Error(`could not export HEAD: ${exported.stderr}`);
    symlinkSync(path.join(ROOT, "node_modules"), path.join(appDir, "node_modules"));
    const dir = appDir;
    cleanup = () => {
      unlinkSync(path.join(dir, "node_modules"));
      rmSync(dir, { recursive: true, force: true });
    };
  }
  const what = working
    ? `the working tree (BENCH_TREE=working) at ${git("rev-parse", "--short", "HEAD")}`
    : `commit ${git("rev-parse", "--short", "HEAD")} (${git("log", "-1", "--format=%s").slice(0, 60)}...)${git("status", "--porcelain", "--untracked-files=no") ? "; uncommitted changes in the working tree are not measured" : ""}`;
  console.log(`npm run build: ${what}`);
  const built = spawnSync("npm", ["run", "build"], { cwd: appDir, encoding: "utf8" });
  if (built.status !== 0) {
    cleanup();
    throw new Error(`npm run build failed:\n${built.stdout}\n${built.stderr}`);
  }
  return { what, cleanup };
}

export interface Stand {
  tf: TestfreaksSimulator;
  admin: ShopifyAdminStandIn;
  close(): Promise<void>;
}

/** Fresh partner and Admin API stand-ins (fresh request logs) for one measurement. */
export async function startStandIns(): Promise<Stand> {
  const tf = await startTestfreaksSimulator();
  const admin = await startShopifyAdminStandIn({
    products: productsFromFixtures(orderFixtureNames.map(loadFixture)),
    // The app's credentials: the token endpoint then exchanges a CLI-installed shop's token as Shopify would.
    oauth: { app: { apiKey: API_KEY, apiSecret: SECRET } },
  });
  return {
    tf,
    admin,
    async close() {
      await tf.close();
      await admin.close();
    },
  };
}

export interface AppProcess {
  pid: number;
  /** Base URL of the web process (empty for a worker). */
  url: string;
  /** Peak resident memory so far (VmHWM), MiB. */
  peakRssMiB(): number;
  stop(): Promise<void>;
}

/** The README's environment for the built app on `port`, pointed at the stand-ins. */
function appEnv(databaseUrl: string, port: number, stand: Stand | null): Record<string, string> {
  return {
    NODE_ENV: "production",
    SHOPIFY_API_KEY: API_KEY,
    SHOPIFY_API_SECRET: SECRET,
    SHOPIFY_APP_URL: `http://127.0.0.1:${port}`,
    ENCRYPTION_KEY,
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    ...(stand ? { TESTFREAKS_API_URL: stand.tf.url, SHOPIFY_LOCAL_ADMIN_URL: stand.admin.url } : {}),
    // The bench measures the pipeline, not the per-lane sending rate the app keeps
    // towards a partner (2 requests/s by default, below the latency run's 5 orders/s):
    // the stand-in answers at once and takes any rate.
    TESTFREAKS_RATE_PER_SEC: "1000",
    TESTFREAKS_RATE_BURST: "100",
  };
}

/** `node build/bin/server.js` (answering HTTP when this returns) or `node build/bin/worker.js`. */
export async function startApp(entry: "server" | "worker", databaseUrl: string, stand: Stand | null, env: Record<string, string> = {}): Promise<AppProcess> {
  const port = await freePort();
  return startProcess(
    entry,
    [...(entry === "worker" ? workerNodeFlags() : []), path.join(appDir, "build/bin", `${entry}.js`)],
    appDir,
    { ...appEnv(databaseUrl, port, stand), ...env },
    entry === "server" ? port : null,
  );
}

/** The bare HMAC-checking server of bare-server.ts, answering HTTP when this returns. */
export async function startBareServer(): Promise<AppProcess> {
  const port = await freePort();
  return startProcess("bare", ["--import", "tsx", path.join(import.meta.dirname, "bare-server.ts")], ROOT, { PORT: String(port), SHOPIFY_API_SECRET: SECRET }, port);
}

async function startProcess(label: string, args: string[], cwd: string, env: Record<string, string>, port: number | null): Promise<AppProcess> {
  const logPath = path.join(tmpdir(), `partner-sync-bench-${label}-${process.pid}.log`);
  const log = createWriteStream(logPath, { flags: "a" });
  const child: ChildProcess = spawn(process.execPath, args, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  let exited = false;
  child.once("exit", () => (exited = true));
  const pid = child.pid!;
  let peak = 0;
  const peakRssMiB = () => {
    try {
      const kb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
      peak = Math.max(peak, kb / 1024);
    } catch {
      // Gone: the last reading stands.
    }
    return peak;
  };
  const url = port === null ? "" : `http://127.0.0.1:${port}`;
  if (url) {
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (exited) throw new Error(`${label} exited at start; its output is in ${logPath}`);
      // Any HTTP answer means it listens; the route does not matter.
      if (
        await fetch(`${url}/healthz`).then(
          () => true,
          () => false,
        )
      )
        break;
      if (Date.now() > deadline) throw new Error(`${label} did not answer within 30 s; its output is in ${logPath}`);
      await sleep(100);
    }
  }
  return {
    pid,
    url,
    peakRssMiB,
    async stop() {
      peakRssMiB();
      if (!exited) {
        const gone = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        await gone;
        clearTimeout(timer);
      }
      log.end();
    },
  };
}

/** When each TestFreaks order id first reached the partner (accepted), by the stand-in's clock (this process's Date.now). */
export function partnerArrivals(stand: Stand): Map<string, number> {
  const arrivals = new Map<string, number>();
  for (const entry of stand.tf.log) {
    const id = (entry.body as { order?: { id?: unknown } } | undefined)?.order?.id;
    if (entry.method === "POST" && entry.status === 200 && typeof id === "string" && !arrivals.has(id)) arrivals.set(id, entry.at);
  }
  return arrivals;
}

/** Waits until `done()` or `ms` passed; answers whether it got there. */
export async function waitFor(done: () => boolean | Promise<boolean>, ms: number, stepMs = 50): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await done()) return true;
    if (Date.now() > deadline) return false;
    await sleep(stepMs);
  }
}

/** The q-quantile (0..1) of `values`, nearest rank; NaN when empty. */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export function machine(): string {
  const model = /model name\s*:\s*(.+)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? cpus()[0]?.model ?? "unknown CPU";
  return `${availableParallelism()} cores (${model}), Node ${process.version}`;
}
