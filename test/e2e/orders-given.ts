// Given-steps shared by the log, order and dashboard browser scenarios: a shop
// with partners set up on the simulators, and Shopify webhooks replayed the way
// Shopify sends them (the Admin API stand-in learning the same order).
import { expect } from "vitest";
import { connectors } from "~/connectors/registry";
import { savePartnerConfig } from "~/sync/partner-config.server";
import { loadFixture } from "../fixtures/shopify";
import { REVERB_SIM_DEFAULTS } from "../simulators/reverb";
import { TESTFREAKS_SIM_API_KEY, TESTFREAKS_SIM_CLIENT_ID } from "../simulators/testfreaks";
import type { E2E } from "./harness";

export async function setUpPartners(e2e: E2E, shop: string, partners: ("reverb" | "testfreaks")[] = ["reverb", "testfreaks"]) {
  await e2e.installShop(shop);
  const settings = { reverb: { ...REVERB_SIM_DEFAULTS }, testfreaks: { apiKey: TESTFREAKS_SIM_API_KEY, clientId: TESTFREAKS_SIM_CLIENT_ID } };
  for (const partner of partners) {
    const saved = await savePartnerConfig(e2e.db, e2e.ctx.keyring, shop, connectors[partner], settings[partner]);
    if (!saved.ok) throw new Error(JSON.stringify(saved.fieldErrors));
  }
}

/** Shopify tells the app (a signed webhook) and holds the same order for the Admin API (the harness records it). */
export async function shopifySends(e2e: E2E, shop: string, topic: string, fixture: string) {
  const body = loadFixture(fixture);
  const res = await e2e.postWebhook(topic, shop, body);
  expect(res.status, await res.clone().text()).toBe(200);
}

/** Waits for the app's worker (a real process) to settle every job of the shop. */
export async function settled(e2e: E2E, shop: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // Deliveries still in the inbox become jobs in a moment: not settled yet.
    const merging = await e2e.db.webhookEvent.count({ where: { shop, processedAt: null, outcome: null } });
    const open = await e2e.db.syncJob.count({ where: { shop, OR: [{ status: { in: ["pending", "retrying"] } }, { leaseOwner: { not: null } }] } });
    if (open === 0 && merging === 0) return e2e.db.syncJob.findMany({ where: { shop }, orderBy: [{ orderId: "asc" }, { partner: "asc" }] });
    if (Date.now() > deadline) throw new Error(`jobs of ${shop} did not settle in ${timeoutMs / 1000}s:\n${e2e.appLog().slice(-3000)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
