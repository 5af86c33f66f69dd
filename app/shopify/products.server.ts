import type { PrismaClient } from "@prisma/client";
import { PartnerError } from "~/connectors/errors";
import type { Logger } from "~/logger";
import type { ShopifyApp } from "~/shopify.server";
import { prismaPartnerCache } from "~/sync/partner-cache.server";
import { graphqlFromAdmin } from "./admin-graphql.server";
import { createProductLookup, type ProductLookup } from "./product-lookup.server";

/** The worker's product lookup for one shop: its offline session's Admin GraphQL client, cached in the store. */
export function shopifyProductLookup(shopify: Pick<ShopifyApp, "unauthenticated">, db: PrismaClient, shop: string, logger: Logger, now: () => Date): ProductLookup {
  return {
    async lookup(productIds) {
      let admin;
      try {
        ({ admin } = await shopify.unauthenticated.admin(shop));
      } catch (error) {
        throw new PartnerError(
          `Shopify product lookup failed: no usable offline session for ${shop} (${error instanceof Error ? error.message : String(error)}); reinstall the app on the shop`,
          "permanent",
          null,
        );
      }
      const lookup = createProductLookup({ graphql: graphqlFromAdmin(admin, { now }), cache: prismaPartnerCache(db, shop, "shopify", now), now, logger });
      return lookup.lookup(productIds);
    },
  };
}
