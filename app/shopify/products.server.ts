import type { PrismaClient } from "@prisma/client";
import { ShopifyError } from "~/connectors/errors";
import type { Logger } from "~/logger";
import type { ShopifyApp } from "~/shopify.server";
import { prismaPartnerCache } from "~/sync/partner-cache.server";
import { graphqlFromAdmin } from "./admin-graphql.server";
import type { OfflineAccess } from "./offline-access.server";
import { createProductLookup, type ProductLookup } from "./product-lookup.server";

/**
 * The worker's product lookup for one shop: its offline session's Admin GraphQL
 * client, cached in the store. The token is renewed first (offline-access.server.ts);
 * a token Shopify refuses throws ShopifyAccessRefused, and the job waits.
 */
export function shopifyProductLookup(shopify: Pick<ShopifyApp, "unauthenticated">, access: OfflineAccess, db: PrismaClient, shop: string, logger: Logger, now: () => Date): ProductLookup {
  return {
    async lookup(productIds) {
      await access.ensure(shop);
      const { admin } = await shopify.unauthenticated.admin(shop);
      const lookup = createProductLookup({ graphql: graphqlFromAdmin(admin, { now }), cache: prismaPartnerCache(db, shop, "shopify", now), now, logger });
      try {
        return await lookup.lookup(productIds);
      } catch (error) {
        // Shopify refusing the token is not the partner refusing its credentials: the
        // job waits for the merchant to open the app (a new token exchange), the partner stays active.
        if (error instanceof ShopifyError && (error.httpStatus === 401 || error.httpStatus === 403)) await access.refused(shop, error.message);
        throw error;
      }
    },
  };
}
