// Every local stand-in at once: each partner's simulator (local-mode.ts, one per
// partner of the registry) and the Admin API stand-in, with the catalogue derived
// from the project's fixture orders. Used by `npm run simulators` and by the demo.
import { PARTNER_METAS, type PartnerId } from "~/connectors/partners";
import { fixtureNames, loadFixture } from "../fixtures/shopify";
import { LOCAL_PARTNERS, type LocalSimulators, type PartnerLocalMode } from "./local-mode";
import type { SimServer } from "./server";
import { DEFAULT_SHOP_DOMAIN, productsFromFixtures, startShopifyAdminStandIn, type ShopifyAdminStandIn } from "./shopify-admin";

export type StandIns = LocalSimulators & {
  shopifyAdmin: ShopifyAdminStandIn;
  /** The environment that points the app at them, by the app's own variable names (each partner's meta.ts urlVariable). */
  env: Record<string, string> & { SHOPIFY_LOCAL_ADMIN_URL: string };
  close(): Promise<void>;
};

/** `app`: the app's client id and secret, so Shopify's token endpoint can check session tokens for a token exchange (an install from the admin). */
export async function startStandIns(options: { shopDomain?: string; app?: { apiKey: string; apiSecret: string } } = {}): Promise<StandIns> {
  const shopDomain = options.shopDomain ?? DEFAULT_SHOP_DOMAIN;
  const orders = fixtureNames.filter((name) => name.startsWith("orders-")).map(loadFixture);
  const local = (id: PartnerId) => LOCAL_PARTNERS[id] as PartnerLocalMode;
  const [shopifyAdmin, ...started] = await Promise.all([
    startShopifyAdminStandIn({ products: productsFromFixtures(orders, { shopDomain }), shop: { myshopifyDomain: shopDomain }, oauth: { app: options.app ?? null } }),
    ...PARTNER_METAS.map((meta) => local(meta.id).start()),
  ]);
  const simulators = Object.fromEntries(PARTNER_METAS.map((meta, i) => [meta.id, started[i]!])) as Record<PartnerId, SimServer>;
  return {
    ...(simulators as LocalSimulators),
    shopifyAdmin,
    env: {
      ...Object.fromEntries(PARTNER_METAS.map((meta) => [meta.urlVariable, local(meta.id).apiUrl(simulators[meta.id])])),
      SHOPIFY_LOCAL_ADMIN_URL: shopifyAdmin.url,
    },
    async close() {
      await Promise.all([...Object.values(simulators).map((sim) => sim.close()), shopifyAdmin.close()]);
    },
  };
}
