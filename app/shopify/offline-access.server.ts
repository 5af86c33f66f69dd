// The shop's offline access token, kept usable for the worker's Admin API calls.
//
// Offline tokens expire (about an hour) and come with a refresh token that
// Shopify rotates on every use: a refresh token used once is refused the second
// time. shopify-app-remix renews a token on its own inside
// `unauthenticated.admin(shop)`, but every failure of that renewal reaches the
// caller as the same HTTP 500 Response, so a worker cannot tell "Shopify refused
// the refresh token" (wait for the merchant) from "Shopify did not answer"
// (retry). And several jobs of one shop renewing at once would spend one refresh
// token twice. So the worker renews here first, once per shop at a time, with
// @shopify/shopify-api's own calls, and the library then finds a fresh session.
import type { PrismaClient } from "@prisma/client";
import { HttpResponseError, type Session, type Shopify } from "@shopify/shopify-api";
import { ShopifyError, trimMessage } from "~/connectors/errors";
import type { Logger } from "~/logger";
import { holdMessage } from "~/sync/hold-reason";

/** Why jobs that need Shopify wait: the sentence the merchant and the operator read. */
export const SHOPIFY_ACCESS_REFUSED_REASON = holdMessage("waiting_for_shopify", "Shopify");

/** Renew a token this long before it expires, as shopify-app-remix does. */
export const RENEW_WITHIN_MS = 5 * 60 * 1000;

/** After a refusal, how often and how long apart to look for a token another process got meanwhile (about 3 s in all). */
const OTHER_RENEWAL_LOOKS = 7;
const OTHER_RENEWAL_WAIT_MS = 500;

/** Shopify refused the shop's token (or there is none): nothing the worker can retry; the merchant opening the app restores it. */
export class ShopifyAccessRefused extends Error {
  override name = "ShopifyAccessRefused";
}

export interface OfflineAccess {
  /** The shop's offline session with a token valid for at least RENEW_WITHIN_MS, renewed or migrated if need be. */
  ensure(shop: string): Promise<Session>;
  /** Records that Shopify refused the shop's token (an Admin API 401); throws ShopifyAccessRefused. */
  refused(shop: string, why: string): Promise<never>;
}

export interface OfflineAccessDeps {
  api: Pick<Shopify, "auth" | "session">;
  /** The app's session storage (PrismaSessionStorage). */
  storage: { loadSession(id: string): Promise<Session | undefined>; storeSession(session: Session): Promise<boolean> };
  db: PrismaClient;
  logger: Logger;
  now?: () => Date;
}

export function createOfflineAccess(deps: OfflineAccessDeps): OfflineAccess {
  const { api, storage, db, now = () => new Date() } = deps;
  const renewing = new Map<string, Promise<Session>>();

  const load = (shop: string) => storage.loadSession(api.session.getOfflineId(shop));

  const refused = async (shop: string, why: string): Promise<never> => {
    await db.shop.updateMany({ where: { shop, accessRefusedAt: null }, data: { accessRefusedAt: now() } });
    deps.logger.warn("Shopify refused the shop's offline token; jobs that need Shopify wait for the merchant", { shop, why });
    throw new ShopifyAccessRefused(`${SHOPIFY_ACCESS_REFUSED_REASON} (${why})`);
  };

  async function renewedElsewhere(shop: string, ours: Session): Promise<Session | null> {
    for (let look = 0; look < OTHER_RENEWAL_LOOKS; look++) {
      const stored = await load(shop);
      if (stored?.accessToken && stored.accessToken !== ours.accessToken && !stored.isExpired(RENEW_WITHIN_MS)) return stored;
      if (look < OTHER_RENEWAL_LOOKS - 1) await new Promise((resolve) => setTimeout(resolve, OTHER_RENEWAL_WAIT_MS));
    }
    return null;
  }

  async function renew(shop: string, session: Session): Promise<Session> {
    const migrating = !session.expires;
    try {
      const { session: renewed } = migrating
        ? // A token from before expiring tokens: exchanged once for an expiring one.
          await api.auth.migrateToExpiringToken({ shop, nonExpiringOfflineAccessToken: session.accessToken! })
        : await api.auth.refreshToken({ shop, refreshToken: session.refreshToken! });
      await storage.storeSession(renewed);
      deps.logger.info(migrating ? "offline token migrated to an expiring one" : "offline token renewed", { shop, expires: renewed.expires?.toISOString() });
      return renewed;
    } catch (error) {
      const status = error instanceof HttpResponseError ? error.response.code : null;
      if (status !== null && status >= 400 && status < 500 && status !== 429) {
        // Another process may have spent the same token first (two workers renewing
        // one shop at once): its new token reaches the store a moment after Shopify
        // refuses ours, so look for it a few times before calling the refusal final.
        const theirs = await renewedElsewhere(shop, session);
        if (theirs) return theirs;
        return refused(shop, `HTTP ${status} ${trimMessage(JSON.stringify(error instanceof HttpResponseError ? (error.response.body ?? "") : ""))}`);
      }
      const detail = error instanceof Error ? trimMessage(error.message) : String(error);
      throw new ShopifyError(`Shopify could not renew the app's access token (${detail})`, status === 429 ? "rate_limited" : "retryable", status);
    }
  }

  async function ensureOnce(shop: string): Promise<Session> {
    const row = await db.shop.findUnique({ where: { shop }, select: { accessRefusedAt: true } });
    if (row?.accessRefusedAt) throw new ShopifyAccessRefused(SHOPIFY_ACCESS_REFUSED_REASON);
    const session = await load(shop);
    if (!session?.accessToken) return refused(shop, "no offline session is stored for this shop");
    if (!session.expires) return renew(shop, session);
    if (!session.isExpired(RENEW_WITHIN_MS)) return session;
    if (!session.refreshToken || (session.refreshTokenExpires && session.refreshTokenExpires.getTime() <= now().getTime())) {
      return refused(shop, "the refresh token has expired");
    }
    return renew(shop, session);
  }

  return {
    refused,
    ensure(shop) {
      const pending = renewing.get(shop);
      if (pending) return pending;
      const attempt = ensureOnce(shop).finally(() => renewing.delete(shop));
      renewing.set(shop, attempt);
      return attempt;
    },
  };
}
