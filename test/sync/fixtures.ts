import type { PrismaClient } from "@prisma/client";
import { testfreaksConnector } from "~/connectors/testfreaks";
import type { Keyring } from "~/security/secrets.server";
import { savePartnerConfig } from "~/sync/partner-config.server";
import { installShopLocally } from "~/shopify/install.server";
import { startTestfreaksSimulator, TESTFREAKS_SIM_API_KEY, TESTFREAKS_SIM_CLIENT_ID, type TestfreaksSimOptions, type TestfreaksSimulator } from "../simulators/testfreaks";
import { productsFromFixtures, startShopifyAdminStandIn, type ShopifyAdminStandIn } from "../simulators/shopify-admin";
import { loadFixture, orderFixtureNames } from "../fixtures/shopify";
import { fakeClock, startHarness, TEST_SECRET, testEnv, type Harness } from "../support/harness";
import { startWorker, type Worker } from "~/sync/worker.server";
import type { ContextOverrides } from "~/context.server";
import type { OAuthSettings } from "../simulators/shopify-oauth";
import { postWebhook, signWebhook } from "../support/webhooks";

export const SHOP = "sync-test.myshopify.com";

/** A shop with TestFreaks set up (its simulator's key) and, for counting, a second enabled partner row. */
export async function installShopWithPartners(db: PrismaClient, keyring: Keyring, options: { second?: boolean; apiKey?: string } = {}) {
  await installShopLocally(db, SHOP);
  const saved = await savePartnerConfig(db, keyring, SHOP, testfreaksConnector, { apiKey: options.apiKey ?? TESTFREAKS_SIM_API_KEY, clientId: TESTFREAKS_SIM_CLIENT_ID });
  if (!saved.ok) throw new Error(JSON.stringify(saved.fieldErrors));
  if (options.second ?? true) {
    // Ingest only reads which partners are enabled; the worker is not run for this one in these tests.
    await db.partnerConfig.create({ data: { shop: SHOP, partner: "reverb", settings: "{}", secrets: "unused" } });
  }
}

/** A fixture's text with its updated_at moved, to make newer and older versions of the same order. */
export function withUpdatedAt(raw: string, iso: string): string {
  return raw.replace(/"updated_at": "[^"]*"/, `"updated_at": "${iso}"`);
}

/** The app on a fresh store with its webhook endpoint, a TestFreaks simulator and the Admin API stand-in; the shop installed with TestFreaks set up. */
export interface Pipeline {
  h: Harness;
  tf: TestfreaksSimulator;
  admin: ShopifyAdminStandIn;
  /** Posts a signed webhook for the shop. */
  send(topic: string, body: string): Promise<Response>;
  close(): Promise<void>;
}

export async function startPipeline(
  options: { testfreaks?: TestfreaksSimOptions; oauth?: Partial<OAuthSettings>; env?: Record<string, string>; context?: Omit<ContextOverrides, "db"> } = {},
): Promise<Pipeline> {
  const tf = await startTestfreaksSimulator(options.testfreaks);
  const admin = await startShopifyAdminStandIn({
    products: productsFromFixtures(orderFixtureNames.map(loadFixture)),
    // The harness's app credentials: the stand-in's token endpoint can then check session tokens (token exchange).
    oauth: { app: { apiKey: testEnv().SHOPIFY_API_KEY!, apiSecret: TEST_SECRET }, ...options.oauth },
  });
  const h = await startHarness({ TESTFREAKS_API_URL: tf.url, SHOPIFY_LOCAL_ADMIN_URL: admin.url, ...options.env }, { context: options.context });
  await installShopWithPartners(h.ctx.db, h.ctx.keyring, { second: false });
  return {
    h,
    tf,
    admin,
    send: (topic, body) => postWebhook(h.url, signWebhook({ topic, shop: SHOP, body, secret: TEST_SECRET })),
    async close() {
      await h.close();
      await tf.close();
      await admin.close();
    },
  };
}

/**
 * The pipeline with a worker driven by hand (runDue) on a clock the test moves:
 * webhooks are stamped with the real time, so the worker's clock starts a minute
 * after it; jitter is pinned to its middle, so the schedule is exactly the policy's base schedule.
 */
export async function startClockedPipeline(clock: ReturnType<typeof fakeClock>, options: Parameters<typeof startPipeline>[0] = {}): Promise<{ p: Pipeline; worker: Worker }> {
  clock.set(new Date(Date.now() + 60_000));
  const p = await startPipeline({ ...options, context: { now: clock.now, random: () => 0.5, ...options.context } });
  return { p, worker: startWorker(p.h.ctx.runner, { loop: false }) };
}
