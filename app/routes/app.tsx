// The embedded admin's shell: every page under /app renders inside it. Its
// loader authenticates the request with the session token (token exchange
// strategy), so no child page renders for an unauthenticated request.
/// <reference types="@shopify/app-bridge-types" />
import type { HeadersFunction, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { useEffect } from "react";
import { Link, Outlet, isRouteErrorResponse, useLoaderData, useRouteError, useRouteLoaderData } from "@remix-run/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { requireShop } from "~/admin/session.server";
import { LOCAL_APP_BRIDGE_PATH } from "~/admin/app-bridge";
import { AdminRouteError, isAuthResponse } from "~/admin/errors";
import { PARTNER_LABELS, partnerSettingsPath } from "~/admin/partners";
import { AlertBanners } from "~/admin/alert-banners";
import { openAlerts } from "~/sync/alerts.server";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: polarisStyles }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { shop, ctx } = await requireShop(request);
  return {
    apiKey: ctx.env.SHOPIFY_API_KEY,
    shop,
    // Local mode: Shopify's CDN is out of reach, so the pages load the stand-in (app/admin/app-bridge.ts).
    appBridgeUrl: ctx.env.SHOPIFY_LOCAL_APP_BRIDGE ? LOCAL_APP_BRIDGE_PATH : undefined,
    // Open incidents: a banner on every page until each is resolved (app/sync/alerts.server.ts).
    alerts: (await openAlerts(ctx.db, shop, new Date())).map(({ id, kind, title, message, actionPath, actionLabel, dismissible }) => ({
      id,
      kind,
      title,
      message,
      actionPath,
      actionLabel,
      dismissible,
    })),
  };
}

export default function AdminShell() {
  const { apiKey, appBridgeUrl, alerts } = useLoaderData<typeof loader>();
  // Marks the page interactive: browser tests wait for it before clicking (test/e2e/harness.ts).
  useEffect(() => {
    document.documentElement.dataset.hydrated = "true";
  }, []);
  return (
    <AppProvider isEmbeddedApp apiKey={apiKey} {...(appBridgeUrl ? { __APP_BRIDGE_URL: appBridgeUrl } : {})}>
      <ui-nav-menu>
        <Link to="/app" rel="home">
          Home
        </Link>
        <Link to="/app/log">Sync log</Link>
        {PARTNER_LABELS.map((partner) => (
          <Link key={partner.id} to={partnerSettingsPath(partner.id)}>
            {partner.name}
          </Link>
        ))}
        <Link to="/app/alerts">Alerts</Link>
        <Link to="/app/data-requests">Data requests</Link>
      </ui-nav-menu>
      <AlertBanners alerts={alerts} />
      <Outlet />
    </AppProvider>
  );
}

// Shopify's template: the library's thrown responses (bounce page, 401 for App
// Bridge to retry) must reach the browser as they are, headers included.
export function ErrorBoundary() {
  const error = useRouteError();
  const data = useRouteLoaderData<typeof loader>("routes/app");
  if (isRouteErrorResponse(error) && isAuthResponse(error)) return boundary.error(error);
  // The shell's own loader failed or a child page has no boundary: show a Polaris page, not a stack trace.
  return (
    <AppProvider isEmbeddedApp apiKey={data?.apiKey ?? ""} {...(data?.appBridgeUrl ? { __APP_BRIDGE_URL: data.appBridgeUrl } : {})}>
      <AdminRouteError />
    </AppProvider>
  );
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
