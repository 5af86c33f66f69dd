// The one door into the embedded admin's data. Every loader and action under
// app/routes/app.* and app/routes/api.* starts with `requireShop(request)` and
// scopes every query by the `shop` it answers: the shop comes from the session
// token Shopify signed (its `dest`), never from a URL or form field, so a page
// opened with shop B's token can only ever see shop B's rows.
import type { Session } from "@shopify/shopify-api";
import { appContext, type AppContext } from "~/context.server";

type AdminContext = Awaited<ReturnType<AppContext["shopify"]["authenticate"]["admin"]>>;

export interface ShopRequest {
  /** The shop's myshopify domain, from the verified session token. */
  shop: string;
  /** Admin API client for the shop (`admin.graphql(query, { variables })`). */
  admin: AdminContext["admin"];
  /** The shop's offline session (token exchange strategy: one per shop). */
  session: Session;
  /** The app's shared context: db, keyring, connectors' runner deps, logger. */
  ctx: AppContext;
}

/**
 * Authenticates an embedded admin request with shopify-app-remix
 * (`authenticate.admin`): a document request carries `id_token`, `shop`, `host`
 * and `embedded=1`; a fetch from the page carries `Authorization: Bearer <session
 * token>` (App Bridge adds it). Throws the library's Response (bounce page,
 * 401 with a retry header, redirect to login) when the request is not
 * authenticated; loaders should let it propagate.
 */
export async function requireShop(request: Request, ctx: AppContext = appContext()): Promise<ShopRequest> {
  const { admin, session } = await oneAtATimePerShop(claimedShop(request), () => ctx.shopify.authenticate.admin(request));
  return { shop: session.shop, admin, session, ctx };
}

// A page load runs its route loaders side by side, each authenticating. For a shop
// with no valid offline token each would exchange the session token, and every
// exchange revokes the tokens the one before it issued: the token stored last
// could be a revoked one. So authentications of one shop wait for each other
// (in this process); the first exchanges, the next find its session.
const authenticating = new Map<string, Promise<unknown>>();

async function oneAtATimePerShop<T>(shop: string | null, run: () => Promise<T>): Promise<T> {
  if (!shop) return run();
  const before = authenticating.get(shop) ?? Promise.resolve();
  const mine = before.catch(() => undefined).then(run);
  authenticating.set(shop, mine);
  try {
    return await mine;
  } finally {
    if (authenticating.get(shop) === mine) authenticating.delete(shop);
  }
}

/**
 * The shop a request says it is for (the `shop` parameter, else the session
 * token's `dest`), unverified: only a key for the wait above; the library
 * verifies the token, and the shop the page gets is the verified one.
 */
function claimedShop(request: Request): string | null {
  const fromQuery = new URL(request.url).searchParams.get("shop");
  if (fromQuery) return fromQuery;
  const token = request.headers.get("authorization")?.replace(/^Bearer\s+/i, "") ?? new URL(request.url).searchParams.get("id_token");
  const payload = token?.split(".")[1];
  if (!payload) return null;
  try {
    const dest = (JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { dest?: unknown }).dest;
    return typeof dest === "string" ? dest.replace(/^https:\/\//, "") : null;
  } catch {
    return null;
  }
}

/**
 * The answer for a record that does not exist for this shop, including one that
 * exists for another shop: the two must be indistinguishable (a 404, not a 403).
 * Throw it from a loader; the route's ErrorBoundary shows the not-found page.
 */
export function notFound(message = "This page does not exist, or it belongs to another store."): Response {
  return new Response(message, { status: 404, statusText: "Not Found" });
}
