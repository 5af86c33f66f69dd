// Every local stand-in at once: the three partner simulators and the Admin API
// stand-in, with the catalogue derived from the project's fixture orders.
// Used by `npm run simulators` and by the demo.
import { fixtureNames, loadFixture } from "../fixtures/shopify";
import { startReverbSimulator, type ReverbSimulator } from "./reverb";
import { startReversioSimulator, type ReversioSimulator } from "./reversio";
import { startTestfreaksSimulator, type TestfreaksSimulator } from "./testfreaks";
import { DEFAULT_SHOP_DOMAIN, productsFromFixtures, startShopifyAdminStandIn, type ShopifyAdminStandIn } from "./shopify-admin";

export interface StandIns {
  reverb: ReverbSimulator;
  reversio: ReversioSimulator;
  testfreaks: TestfreaksSimulator;
  shopifyAdmin: ShopifyAdminStandIn;
  /** The environment that points the app at them, by the app's own variable names. */
  env: { REVERB_API_URL: string; REVERSIO_API_URL: string; TESTFREAKS_API_URL: string; SHOPIFY_LOCAL_ADMIN_URL: string };
  close(): Promise<void>;
}

/** `app`: the app's client id and secret, so Shopify's token endpoint can check session tokens for a token exchange (an install from the admin). */
export async function startStandIns(options: { shopDomain?: string; app?: { apiKey: string; apiSecret: string } } = {}): Promise<StandIns> {
  const shopDomain = options.shopDomain ?? DEFAULT_SHOP_DOMAIN;
  const orders = fixtureNames.filter((name) => name.startsWith("orders-")).map(loadFixture);
  const [reverb, reversio, testfreaks, shopifyAdmin] = await Promise.all([
    startReverbSimulator(),
    startReversioSimulator(),
    startTestfreaksSimulator(),
    startShopifyAdminStandIn({ products: productsFromFixtures(orders, { shopDomain }), shop: { myshopifyDomain: shopDomain }, oauth: { app: options.app ?? null } }),
  ]);
  return {
    reverb,
    reversio,
    testfreaks,
    shopifyAdmin,
    env: { REVERB_API_URL: reverb.url, REVERSIO_API_URL: reversio.apiUrl, TESTFREAKS_API_URL: testfreaks.url, SHOPIFY_LOCAL_ADMIN_URL: shopifyAdmin.url },
    async close() {
      await Promise.all([reverb.close(), reversio.close(), testfreaks.close(), shopifyAdmin.close()]);
    },
  };
}
