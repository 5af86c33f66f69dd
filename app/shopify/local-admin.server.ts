// Local mode (docs/architecture.md, "Local mode"): the app runs with no Shopify
// reachable, so its Admin API calls must land on the local stand-in
// (test/simulators/shopify-admin.ts).
//
// Why a fetch wrapper and not a host setting: @shopify/admin-api-client always
// builds `https://<session.shop>/admin/api/<version>/graphql.json` (the scheme is
// forced to https), and @shopify/shopify-api v15 offers no host override for it.
// What it does offer is the runtime fetch: every client is created with
// `customFetchApi: abstractFetch`, and `setAbstractFetchFunc` from
// "@shopify/shopify-api/runtime" replaces it. Shopify's own Vercel adapter for
// shopify-app-remix replaces it the same way.
import { setAbstractFetchFunc } from "@shopify/shopify-api/runtime";

/** Shopify's shop hosts only: the app's other outgoing calls (partners) keep their URLs. */
const SHOP_HOST = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/i;

/**
 * A fetch that sends `https://<shop>.myshopify.com/<path>?<query>` to
 * `<localAdminUrl>/<path>?<query>` and leaves every other URL alone. The shop's
 * host travels on as `X-Forwarded-Host`, so a stand-in can tell shops apart.
 */
export function localAdminFetch(localAdminUrl: string, realFetch: typeof fetch = fetch): typeof fetch {
  const base = new URL(localAdminUrl);
  const basePath = base.pathname.replace(/\/+$/, "");

  const toLocal = (url: URL): URL | null => {
    if (url.protocol !== "https:" || !SHOP_HOST.test(url.hostname)) return null;
    return new URL(`${basePath}${url.pathname}${url.search}`, base.origin);
  };

  return async (input, init) => {
    const original = new URL(input instanceof Request ? input.url : input);
    const target = toLocal(original);
    if (!target) return realFetch(input, init);
    if (input instanceof Request) {
      const request = new Request(target, input);
      request.headers.set("x-forwarded-host", original.host);
      return realFetch(request, init);
    }
    const headers = new Headers(init?.headers);
    headers.set("x-forwarded-host", original.host);
    return realFetch(target, { ...init, headers });
  };
}

/**
 * Installs localAdminFetch as the Shopify library's runtime fetch when
 * SHOPIFY_LOCAL_ADMIN_URL is set; answers the URL it installed, or null.
 *
 * Call it from app/shopify.server.ts AFTER `import ... from
 * "@shopify/shopify-app-remix/server"`: that import loads
 * "@shopify/shopify-api/adapters/web-api", which sets the runtime fetch to the
 * global fetch when it is evaluated and would undo an earlier install. Clients
 * read the runtime fetch when they are created (one per admin.graphql call), so
 * installing once at startup covers every later call.
 */
export function installLocalAdminFetch(
  env: { SHOPIFY_LOCAL_ADMIN_URL?: string | undefined },
  install: (fetchFunction: typeof fetch) => void = setAbstractFetchFunc,
  realFetch: typeof fetch = fetch,
): string | null {
  const localAdminUrl = env.SHOPIFY_LOCAL_ADMIN_URL?.trim();
  if (!localAdminUrl) return null;
  install(localAdminFetch(localAdminUrl, realFetch));
  return localAdminUrl;
}
