// GET /api/orders/<order id>/status: the order's jobs in a few fields, polled by
// the order page while any job is waiting, so the merchant sees a resync move
// from "Waiting" to its outcome without reloading. Authenticated like every
// admin request (the page's fetch carries the session token); another shop's
// order answers 404, exactly like an order that does not exist.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { loadOrderStatus } from "~/admin/order-detail.server";
import { requireShop } from "~/admin/session.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { shop, ctx } = await requireShop(request);
  const status = await loadOrderStatus(ctx.db, shop, params.orderId ?? "");
  // A resource route answers a Response (single fetch encodes only route data).
  if (!status) return Response.json({ error: "This order does not exist, or it belongs to another store." }, { status: 404, headers: { "Cache-Control": "no-store" } });
  return Response.json(status, { headers: { "Cache-Control": "no-store" } });
}
