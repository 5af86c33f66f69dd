// GET /api/data-requests/<request id>: everything the app holds for the
// customer of a customers/data_request, as a JSON file the merchant sends on
// (app/admin/data-requests.server.ts). Authenticated like every admin request
// (the page's fetch carries the session token); another shop's request answers
// 404, exactly like one that does not exist.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { dataRequestExport } from "~/admin/data-requests.server";
import { requireShop } from "~/admin/session.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { shop, ctx } = await requireShop(request);
  const exported = await dataRequestExport(ctx.db, shop, params.requestId ?? "");
  if (!exported) return Response.json({ error: "This data request does not exist, or it belongs to another store." }, { status: 404, headers: { "Cache-Control": "no-store" } });
  const day = exported.request.receivedAt.slice(0, 10);
  return new Response(JSON.stringify(exported, null, 2), {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="data-request-${day}-${exported.request.id}.json"`,
      // Personal data: never kept by a browser or proxy cache.
      "Cache-Control": "no-store",
    },
  });
}
