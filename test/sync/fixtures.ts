import type { PrismaClient } from "@prisma/client";
import { testfreaksConnector } from "~/connectors/testfreaks";
import type { Keyring } from "~/security/secrets.server";
import { savePartnerConfig } from "~/sync/partner-config.server";
import { installShopLocally } from "~/shopify/install.server";
import { TESTFREAKS_SIM_API_KEY, TESTFREAKS_SIM_CLIENT_ID } from "../simulators/testfreaks";

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
