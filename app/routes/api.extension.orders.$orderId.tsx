import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import type { PrismaClient } from "@prisma/client";
import { requireShop } from "~/admin/session.server";
import { partnerLabel } from "~/admin/partners";
import { isPartnerId } from "~/connectors/types";
import { appContext } from "~/context.server";
import { syncStatus } from "~/sync/status.server";
import { resyncFromShopify } from "~/admin/resync.server";
import { graphqlFromAdmin } from "~/shopify/admin-graphql.server";
import type { ApiErrorAnswer, OrderSyncStatus, ResyncAnswer } from "../../extensions/order-sync-status/src/api";

// /api/extension/orders/<order id>, for the order page action
// (extensions/order-sync-status). The extension runs on Shopify's origin and calls
// the app with a relative fetch; Shopify adds `Authorization: Bearer <session token>`,
// so every answer here, errors included, carries CORS headers or the extension
// could not read it. GET: the order's status per partner; POST: resync them all.

const NOT_FOUND = "Partner Sync has not received this order.";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { shop, db } = await authenticateExtension(request);
  return answer(request, shop, params.orderId, async (orderId) => {
    const status = await orderSyncStatus(db, shop, orderId);
    return status ? json<OrderSyncStatus>(status) : json<ApiErrorAnswer>({ error: NOT_FOUND }, { status: 404 });
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { shop, db, admin, logger } = await authenticateExtension(request);
  if (request.method !== "POST") return withCors(request, json<ApiErrorAnswer>({ error: "Use POST to resync an order." }, { status: 405, headers: { Allow: "GET, POST" } }));
  return answer(request, shop, params.orderId, async (orderId) => {
    // Like the order page: re-read the order from Shopify first, so a stale snapshot is never re-sent.
    const result = await resyncFromShopify({ db, graphql: graphqlFromAdmin(admin), logger }, shop, orderId);
    if (!result.ok && result.reason === "not_found") return json<ApiErrorAnswer>({ error: NOT_FOUND }, { status: 404 });
    if (!result.ok) return json<ApiErrorAnswer>({ error: result.message }, { status: 409 });
    const status = await orderSyncStatus(db, shop, orderId);
    if (!status) return json<ApiErrorAnswer>({ error: NOT_FOUND }, { status: 404 });
    return json<ResyncAnswer>({ ...status, queued: result.queued });
  });
}

/**
 * The shop from the session token, through the admin's one door (requireShop).
 * Without a bearer token, shopify-app-remix takes the request for a page load and
 * redirects to the login page; an extension's fetch needs a 401 it can explain.
 * A preflight (OPTIONS, no token by design) goes to the library, which answers it.
 */
async function authenticateExtension(request: Request) {
  if (request.method !== "OPTIONS" && !/^Bearer \S/.test(request.headers.get("Authorization") ?? "")) {
    throw withCors(request, json<ApiErrorAnswer>({ error: "Sign in to Shopify again: this request carried no session token." }, { status: 401 }));
  }
  try {
    const { shop, ctx, admin } = await requireShop(request);
    return { shop, db: ctx.db, admin, logger: ctx.logger };
  } catch (thrown) {
    // The library's own answers (401 with its retry header, 204 to a preflight)
    // already carry CORS headers when the request came from another origin.
    throw thrown instanceof Response ? withCors(request, thrown) : thrown;
  }
}

/** Runs a handler for a well-formed order id; another shop's order and a malformed id both answer 404. */
async function answer(request: Request, shop: string, rawOrderId: string | undefined, handler: (orderId: string) => Promise<Response>): Promise<Response> {
  const orderId = rawOrderId ?? "";
  if (!/^\d{1,20}$/.test(orderId)) return withCors(request, json<ApiErrorAnswer>({ error: NOT_FOUND }, { status: 404 }));
  try {
    return withCors(request, await handler(orderId));
  } catch (error) {
    appContext().logger.error("order sync status for the admin extension failed", { shop, orderId, error: (error as Error).message });
    return withCors(request, json<ApiErrorAnswer>({ error: "Partner Sync could not answer just now. Try again in a moment." }, { status: 500 }));
  }
}

/** The order's rows per partner, or null if this shop has no such order (another shop's included). */
async function orderSyncStatus(db: PrismaClient, shop: string, orderId: string): Promise<OrderSyncStatus | null> {
  const snapshot = await db.orderSnapshot.findUnique({ where: { shop_orderId: { shop, orderId } }, select: { orderName: true } });
  if (!snapshot) return null;
  const rows = await syncStatus(db, shop, { orderId });
  return {
    orderId,
    orderName: snapshot.orderName,
    partners: rows
      .map((row) => ({
        partner: row.partner,
        partnerName: isPartnerId(row.partner) ? partnerLabel(row.partner).name : row.partner,
        status: row.status,
        attempts: row.attempts,
        lastError: row.lastError,
        remoteId: row.remoteId,
        updatedAt: row.updatedAt,
      }))
      .sort((a, b) => a.partnerName.localeCompare(b.partnerName)),
  };
}

/**
 * The same headers as shopify-app-remix's `cors` (authenticate.admin's result),
 * applied to every answer including the 401s written before authentication: only
 * for a cross-origin request, `*` because the credential is the bearer token, not
 * a cookie.
 */
function withCors(request: Request, response: Response): Response {
  const origin = request.headers.get("Origin");
  if (origin && origin !== appContext().env.SHOPIFY_APP_URL && !response.headers.has("Access-Control-Allow-Origin")) {
    response.headers.set("Access-Control-Allow-Origin", "*");
    response.headers.set("Access-Control-Allow-Headers", "Authorization, Content-Type");
    response.headers.set("Access-Control-Expose-Headers", "X-Shopify-API-Request-Failure-Reauthorize-Url");
  }
  return response;
}
