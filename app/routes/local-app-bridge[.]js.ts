// Serves the local App Bridge stand-in (app/admin/local-app-bridge.js) in local
// mode only (SHOPIFY_LOCAL_APP_BRIDGE=1); anywhere else the URL does not exist.
// The script holds no secret and mints no token, so serving it grants nothing.
import { appContext } from "~/context.server";
import script from "~/admin/local-app-bridge.js?raw";

export function loader() {
  if (!appContext().env.SHOPIFY_LOCAL_APP_BRIDGE) return new Response("Not found", { status: 404 });
  return new Response(script, { headers: { "Content-Type": "application/javascript; charset=utf-8", "Cache-Control": "no-store" } });
}
