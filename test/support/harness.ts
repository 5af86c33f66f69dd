import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import { createAppContext, type AppContext, type ContextOverrides } from "~/context.server";
import { silentLogger } from "~/logger";
import { webhookEndpoint } from "~/sync/webhook-endpoint.server";
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

/**
 * The app's context on a fresh SQLite file, with its webhook endpoint on a loopback port.
 * `mergeBeforeAnswer` (default true): the webhook endpoint merges its inbox before
 * answering, so a test reads the snapshot and jobs right after the 200; false
 * answers as production does, before the merge. `context`: the context's own
 * overrides (clock, network, jitter, logger; silent by default).
 */
export async function startHarness(env: Record<string, string | undefined> = {}, options: { mergeBeforeAnswer?: boolean; context?: Omit<ContextOverrides, "db"> } = {}): Promise<Harness> {
  const store = await createTestDb();
  const ctx = createAppContext(testEnv({ DATABASE_URL: store.url, ...env }), { db: store.db, logger: silentLogger, ...options.context });
  // The production endpoint (server.ts mounts the same one), on a bare node:http server.
  const endpoint = webhookEndpoint(ctx, { logger: silentLogger, mergeBeforeAnswer: options.mergeBeforeAnswer ?? true });
  const server: Server = createServer((req, res) => {
    if (req.url?.startsWith("/webhooks/")) return void endpoint(req, res);
    res.writeHead(404).end("not found");
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
