import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import { createAppContext, type AppContext } from "~/context.server";
import { silentLogger } from "~/logger";
import { handleWebhook } from "~/sync/webhook.server";
import { createTestDb, type TestDb } from "./db";

export const TEST_SECRET = "test-app-secret";

export function testEnv(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    SHOPIFY_API_KEY: "test-api-key",
    SHOPIFY_API_SECRET: TEST_SECRET,
    SHOPIFY_APP_URL: "http://127.0.0.1:3000",
    ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    ...overrides,
  };
}

export interface Harness {
  ctx: AppContext;
  store: TestDb;
  /** Base URL of a real HTTP server that routes /webhooks/* to the app's webhook handler. */
  url: string;
  close(): Promise<void>;
}

/** The app's context on a fresh SQLite file, with its webhook endpoint on a loopback port. */
/**
 * `mergeBeforeAnswer` (default true): the webhook endpoint merges its inbox before
 * answering, so a test reads the snapshot and jobs right after the 200; false
 * answers as production does, before the merge.
 */
export async function startHarness(env: Record<string, string | undefined> = {}, options: { mergeBeforeAnswer?: boolean } = {}): Promise<Harness> {
  const store = await createTestDb();
  const ctx = createAppContext(testEnv({ DATABASE_URL: store.url, ...env }), store.db);
  ctx.logger = silentLogger;
  ctx.runner.logger = silentLogger;
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
    const request = new Request(`http://127.0.0.1${req.url}`, { method: req.method, headers, body: req.method === "POST" ? Buffer.concat(chunks) : undefined });
    const response = req.url?.startsWith("/webhooks/") ? await handleWebhook(request, { db: ctx.db, shopify: ctx.shopify, logger: silentLogger, maxBodyBytes: ctx.env.WEBHOOK_MAX_BYTES, inbox: ctx.inbox, mergeBeforeAnswer: options.mergeBeforeAnswer ?? true }) : new Response("not found", { status: 404 });
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    ctx,
    store,
    url: `http://127.0.0.1:${port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
    },
  };
}

/** A clock tests move by hand. */
export function fakeClock(start = new Date("2026-11-23T10:00:00Z")) {
  let now = start.getTime();
  return {
    now: () => new Date(now),
    advance(ms: number) {
      now += ms;
    },
    set(date: Date) {
      now = date.getTime();
    },
  };
}
