// The shop's time zone, read once through the Admin API (`shop { ianaTimezone }`)
// and kept on the Shop row, as the alert address is (app/sync/alerts.server.ts):
// admin pages and jobs ask this module, Shopify is asked only when the row has no
// zone yet or it is a week old. When Shopify cannot answer, the zone last read
// stands (UTC when none ever was, and the pages say so: app/admin/format.ts), and
// Shopify is asked again after RETRY_MS: a page load does not wait on a Shopify
// that is down every time.
import type { PrismaClient } from "@prisma/client";
import type { Logger } from "~/logger";
import { isTimeZone, UTC_CLOCK, type ShopClock } from "~/time-zone";
import type { ShopifyGraphql } from "./admin-graphql.server";

/** A kept zone is read again after a week (the merchant may change it in Shopify's settings). */
const KEEP_MS = 7 * 24 * 60 * 60 * 1000;
/** After a failed read, Shopify is asked again no sooner than this. */
export const SHOP_ZONE_RETRY_MS = 10 * 60 * 1000;

const SHOP_TIMEZONE_QUERY = "query ShopTimezone { shop { ianaTimezone } }";

/** The shop's IANA zone through the Admin API; throws when Shopify does not answer one Intl knows. */
export async function readShopTimezone(graphql: ShopifyGraphql): Promise<string> {
  const answer = (await graphql(SHOP_TIMEZONE_QUERY, {})) as { data?: { shop?: { ianaTimezone?: unknown } | null }; errors?: { message?: string }[] };
  const zone = answer.data?.shop?.ianaTimezone;
  if (typeof zone !== "string" || !isTimeZone(zone)) {
    throw new Error(`Shopify did not answer the shop's time zone: ${answer.errors?.[0]?.message ?? `got ${JSON.stringify(zone ?? null)}`}`);
  }
  return zone;
}

export interface ShopZoneDeps {
  db: PrismaClient;
  logger: Pick<Logger, "warn">;
  /** Reads the zone from Shopify (readShopTimezone with the shop's client); null: this process cannot ask, the kept zone or UTC. */
  readTimezone: (() => Promise<string>) | null;
}

/** The zone the shop's dates are shown and its days counted in: the kept one, else read from Shopify and kept, else UTC. */
export async function shopClock(deps: ShopZoneDeps, shop: string, now: Date): Promise<ShopClock> {
  const row = await deps.db.shop.findUnique({ where: { shop }, select: { ianaTimezone: true, ianaTimezoneReadAt: true } });
  const kept: ShopClock = row?.ianaTimezone && isTimeZone(row.ianaTimezone) ? { timeZone: row.ianaTimezone, known: true } : UTC_CLOCK;
  const age = row?.ianaTimezoneReadAt ? now.getTime() - row.ianaTimezoneReadAt.getTime() : Infinity;
  if (!deps.readTimezone || age < (kept.known ? KEEP_MS : SHOP_ZONE_RETRY_MS)) return kept;
  try {
    const timeZone = await deps.readTimezone();
    await deps.db.shop.updateMany({ where: { shop }, data: { ianaTimezone: timeZone, ianaTimezoneReadAt: now } });
    return { timeZone, known: true };
  } catch (error) {
    // Shopify unreachable or the token refused: the zone last read stands, and the time of the try
    // is kept so that the next page loads do not each wait on Shopify again.
    deps.logger.warn("shop time zone could not be read from Shopify", { shop, error: error instanceof Error ? error.message : String(error) });
    await deps.db.shop.updateMany({ where: { shop }, data: { ianaTimezoneReadAt: now } });
    return kept;
  }
}
