// Browser test harness: the built app as a real child process (server.ts, with
// its worker) on a fresh SQLite store and the local stand-ins, driven by
// playwright-core with Chromium (a system one, else @sparticuz/chromium's: see
// test/support/chromium.ts) through the local App Bridge stand-in.
//
// Use, one app and one browser per test file:
//
//   import { startE2E, type E2E } from "./harness";
//   let e2e: E2E;
//   beforeAll(async () => { e2e = await startE2E(); }, E2E_START_TIMEOUT_MS);
//   afterAll(() => e2e?.close());
//
//   it("shows the log", async () => {
//     await e2e.installShop("shop-a.myshopify.com");      // offline session + Shop row
//     const page = await e2e.openEmbedded("/app/log", { shop: "shop-a.myshopify.com" });
//     await expectText(page, "Sync log");
//     await e2e.screenshot(page, "log-empty");               // test-artifacts/screenshots/log-empty.png
//   }, E2E_TEST_TIMEOUT_MS);
//
// What it gives a test: `db` (a Prisma client on the app's store, for seeding
// and checks), `ctx` (an AppContext on the same store and key: savePartnerConfig,
// ingest, the keyring), `standIns` (partner simulators and the Admin API
// stand-in with their knobs and state), `appUrl`, `postWebhook` (signed with the
// app secret; an order topic's body is handed to the Admin API stand-in too), `openEmbedded` (a new page opened as the Shopify admin opens an
// embedded app, with a session token minted for the shop), `screenshot`.
//
// The build (`remix vite:build`) runs once per source state: into
// .cache/e2e-build/<hash of app/ and the build config>, under a lock, so test
// files running side by side share it and a rebuild never replaces the files of
// an app another file is serving.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, type WriteStream } from "node:fs";
import { freePort } from "../support/net";
import { buildOnce } from "../support/build-once";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { createAppContext, type AppContext } from "~/context.server";
import { silentLogger } from "~/logger";
import { installShopLocally } from "~/shopify/install.server";
import { FULFILLMENT_TOPICS, ORDER_TOPICS, REFUND_TOPICS } from "~/sync/topics";
import { startStandIns, type StandIns } from "../simulators/all";
import { chromiumLaunchOptions } from "../support/chromium";
import { createTestDb, type TestDb } from "../support/db";
import { signWebhook } from "../support/webhooks";
import { embeddedQuery } from "../support/session-token";

/** The topics whose body is an order, or a part the stand-in merges into its order (a fulfillment, a refund). */
const STANDIN_ORDER_TOPICS = [...ORDER_TOPICS, ...FULFILLMENT_TOPICS, ...REFUND_TOPICS] as const;

export const E2E_START_TIMEOUT_MS = 240_000;
export const E2E_TEST_TIMEOUT_MS = 90_000;

const ROOT = path.resolve(import.meta.dirname, "../..");
const BUILD_ROOT = path.join(ROOT, ".cache/e2e-build");
export const ARTIFACTS = path.join(ROOT, "test-artifacts");
export const SCREENSHOTS = path.join(ARTIFACTS, "screenshots");
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
];

export const E2E_API_KEY = "e2e-api-key";
export const E2E_SECRET = "e2e-app-secret";

// ---------------------------------------------------------------- build

/** Everything the client and server bundles are built from. */
function buildInputs(): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (!/\.test\.tsx?$/.test(entry.name)) files.push(full);
    }
  };
  walk(path.join(ROOT, "app"));
  walk(path.join(ROOT, "public"));
  for (const file of ["vite.config.ts", "tsconfig.json", "package-lock.json"]) if (existsSync(path.join(ROOT, file))) files.push(path.join(ROOT, file));
  return files.sort();
}

function sourceHash(): string {
  const hash = createHash("sha256");
  for (const file of buildInputs()) hash.update(path.relative(ROOT, file)).update("\0").update(readFileSync(file)).update("\0");
  return hash.digest("hex").slice(0, 16);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The build directory for the current sources, building it if no test file has yet. */
export async function ensureBuild(): Promise<string> {
  const dir = await buildOnce(path.join(BUILD_ROOT, sourceHash()), {
    what: "the app",
    ready: (candidate) => existsSync(path.join(candidate, "server/index.js")),
    build(staging) {
      const result = spawnSync(path.join(ROOT, "node_modules/.bin/remix"), ["vite:build"], {
        cwd: ROOT,
        env: { ...process.env, APP_BUILD_DIR: staging, NODE_ENV: "production" },
        encoding: "utf8",
      });
      if (result.status !== 0) {
        const tail = (text: string) => text.split("\n").slice(-40).join("\n");
        throw new Error(`remix vite:build failed (the app under test does not build):\n${tail(result.stderr || "")}\n${tail(result.stdout || "")}`);
      }
    },
  });
  pruneOldBuilds(dir);
  return dir;
}

/** Builds of older sources, untouched for an hour: no running test can still be serving them. */
function pruneOldBuilds(keep: string) {
  for (const name of readdirSync(BUILD_ROOT)) {
    const full = path.join(BUILD_ROOT, name);
    if (full === keep || name.endsWith(".lock")) continue;
    if (Date.now() - statSync(full).mtimeMs > 3_600_000) rmSync(full, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- app process

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | null>, failed: () => string | null = () => null): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const why = failed();
    if (why) throw new Error(`${what}: ${why}`);
    const value = await probe().catch(() => null);
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}`);
    await sleep(200);
  }
}

export interface OpenOptions {
  shop: string;
  /** Another API key or secret than the app's: tokens the app must refuse. */
  apiKey?: string;
  secret?: string;
  userId?: string;
  /** Extra query parameters for the page. */
  query?: Record<string, string>;
}

export interface E2E {
  appUrl: string;
  db: TestDb["db"];
  ctx: AppContext;
  standIns: StandIns;
  browser: Browser;
  /** Records an offline session for the shop (no token exchange needed) and marks it installed. */
  installShop(shop: string): Promise<void>;
  /** A new page (own browser context: own sessionStorage) opened at `pathname` as the Shopify admin opens it. */
  openEmbedded(pathname: string, options: OpenOptions): Promise<Page>;
  /** The URL openEmbedded would load, for tests that drive the page themselves. */
  embeddedUrl(pathname: string, options: OpenOptions): string;
  /** Full-page screenshot at test-artifacts/screenshots/<name>.png. */
  screenshot(page: Page, name: string): Promise<string>;
  /** Sends a Shopify webhook signed with the app secret. */
  postWebhook(topic: string, shop: string, body: string, eventId?: string): Promise<Response>;
  /** The app's own log lines so far (stdout and stderr), for failure messages. */
  appLog(): string;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Extra environment for the app process. */
  env?: Record<string, string>;
  /** A name for the log file under test-artifacts/logs/. */
  name?: string;
}

export async function startE2E(options: StartOptions = {}): Promise<E2E> {
  const buildDir = await ensureBuild();
  const store = await createTestDb();
  const standIns = await startStandIns({ app: { apiKey: E2E_API_KEY, apiSecret: E2E_SECRET } });
  const port = await freePort();
  const appUrl = `http://127.0.0.1:${port}`;
  const env: Record<string, string> = {
    DATABASE_URL: store.url,
    PORT: String(port),
    SHOPIFY_API_KEY: E2E_API_KEY,
    SHOPIFY_API_SECRET: E2E_SECRET,
    SHOPIFY_APP_URL: appUrl,
    ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    APP_BUILD_DIR: buildDir,
    SHOPIFY_LOCAL_APP_BRIDGE: "1",
    // shopify-app-remix's own override for the App Bridge URL of its bounce page.
    APP_BRIDGE_URL: `${appUrl}/local-app-bridge.js`,
    WORKER: "on",
    NODE_ENV: "production",
    ...standIns.env,
    ...options.env,
  };

  mkdirSync(path.join(ARTIFACTS, "logs"), { recursive: true });
  const logPath = path.join(ARTIFACTS, "logs", `${options.name ?? `e2e-${port}`}.log`);
  const logFile: WriteStream = createWriteStream(logPath);
  let log = "";
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "server.ts"], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let exited: string | null = null;
  child.on("exit", (code, signal) => (exited = `the app exited (${signal ?? code})`));
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on("data", (chunk: Buffer) => {
      log += chunk.toString();
      if (log.length > 200_000) log = log.slice(-100_000);
      logFile.write(chunk);
    });
  }

  // The test process's own view of the same store and key.
  const ctx = createAppContext(env, { db: store.db, logger: silentLogger });

  let browser: Browser | null = null;
  const contexts: BrowserContext[] = [];
  const close = async () => {
    await Promise.all(contexts.map((c) => c.close().catch(() => {})));
    await browser?.close().catch(() => {});
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await Promise.race([gone, sleep(5000).then(() => child.kill("SIGKILL"))]);
    }
    logFile.end();
    await standIns.close();
    await store.close();
  };

  try {
    await waitFor(
      "the app to answer /healthz",
      60_000,
      async () => ((await fetch(`${appUrl}/healthz`)).ok ? true : null),
      () => (exited ? `${exited}\n${log.slice(-4000)}` : null),
    );
    const { executablePath, args, env: browserEnv } = await chromiumLaunchOptions(CHROMIUM_ARGS);
    browser = await chromium.launch({ executablePath, headless: true, args, env: browserEnv });
  } catch (error) {
    await close();
    throw error;
  }
  const launched = browser;
  // shopify-app-remix answers requests from bots (isbot: "HeadlessChrome") with 410: present as the desktop Chrome it is.
  const userAgent = (
    await launched.newPage().then(async (page) => {
      const ua = await page.evaluate(() => navigator.userAgent);
      await page.context().close();
      return ua;
    })
  ).replace("HeadlessChrome", "Chrome");

  const embeddedUrl = (pathname: string, open: OpenOptions) => {
    const query = embeddedQuery({ shop: open.shop, apiKey: open.apiKey ?? E2E_API_KEY, secret: open.secret ?? E2E_SECRET, userId: open.userId });
    for (const [key, value] of Object.entries(open.query ?? {})) query.set(key, value);
    return `${appUrl}${pathname}?${query.toString()}`;
  };

  return {
    appUrl,
    db: store.db,
    ctx,
    standIns,
    browser: launched,
    async installShop(shop) {
      await installShopLocally(store.db, shop);
    },
    embeddedUrl,
    async openEmbedded(pathname, open) {
      const context = await launched.newContext({ viewport: { width: 1280, height: 900 }, userAgent });
      contexts.push(context);
      // Shopify's CDN (fonts, the real App Bridge) is out of reach: answer at once instead of waiting for a timeout.
      await context.route(/^https?:\/\/(?!127\.0\.0\.1|localhost)/, (route) => route.abort());
      const page = await context.newPage();
      page.on("pageerror", (error) => console.error(`[browser] ${error.message}`));
      await page.goto(embeddedUrl(pathname, open), { waitUntil: "load" });
      await waitForHydration(page);
      return page;
    },
    async screenshot(page, name) {
      mkdirSync(SCREENSHOTS, { recursive: true });
      const file = path.join(SCREENSHOTS, `${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
    async postWebhook(topic, shop, body, eventId) {
      // Shopify holds what it tells the app about an order: the Admin API stand-in learns it too, for
      // resyncs. Other bodies (app/uninstalled, the compliance topics) hold no order to learn.
      if ((STANDIN_ORDER_TOPICS as readonly string[]).includes(topic)) standIns.shopifyAdmin.recordWebhook(body);
      const webhook = signWebhook({ topic, shop, body, secret: E2E_SECRET, eventId });
      return fetch(`${appUrl}/webhooks/${topic}`, { method: "POST", headers: webhook.headers, body });
    },
    appLog: () => log,
    close,
  };
}

/**
 * Waits until React has hydrated the page (app.tsx marks <html data-hydrated>),
 * so a click runs the app's handlers rather than a plain browser submit. Pages
 * outside the admin shell (errors, the landing page) never mark it: the wait
 * ends quietly after a few seconds.
 */
export async function waitForHydration(page: Page, timeoutMs = 15_000): Promise<void> {
  await page.waitForFunction(() => document.documentElement.dataset.hydrated === "true", undefined, { timeout: timeoutMs }).catch(() => {});
}

/** Waits until the page's text shows `text` (string: substring; RegExp: match), and answers the page text. */
export async function expectText(page: Page, text: string | RegExp, timeoutMs = 15_000): Promise<string> {
  try {
    await page.waitForFunction(
      ([source, flags, plain]) => {
        const body = document.body?.innerText ?? "";
        return plain !== null ? body.includes(plain) : new RegExp(source, flags).test(body);
      },
      typeof text === "string" ? (["", "", text] as const) : ([text.source, text.flags, null] as const),
      { timeout: timeoutMs },
    );
  } catch {
    const body = await page.evaluate(() => document.body?.innerText ?? "").catch(() => "(page closed)");
    throw new Error(`the page never showed ${String(text)}; it shows:\n${body.slice(0, 3000)}`);
  }
  return page.evaluate(() => document.body.innerText);
}
