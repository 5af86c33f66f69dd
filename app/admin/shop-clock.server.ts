// The clock an admin page counts and prints dates in: the shop's time zone, read
// with the request's Admin API client the first time and kept (app/shopify/shop-zone.server.ts).
import type { ShopRequest } from "./session.server";
import { graphqlFromAdmin } from "~/shopify/admin-graphql.server";
import { readShopTimezone, shopClock } from "~/shopify/shop-zone.server";
import type { ShopClock } from "~/time-zone";

/** A page does not wait longer than this for the zone: past it, UTC (said on the page) until the next try. */
const READ_TIMEOUT_MS = 3_000;

export function requestClock({ shop, ctx, admin }: Pick<ShopRequest, "shop" | "ctx" | "admin">, now = new Date()): Promise<ShopClock> {
  return shopClock({ db: ctx.db, logger: ctx.logger, readTimezone: () => readShopTimezone(graphqlFromAdmin(admin, { timeoutMs: READ_TIMEOUT_MS })) }, shop, now);
}
