// What the merchant sees when a page cannot be shown: Polaris pages with plain
// words, never a stack trace or a raw response body.
import { isRouteErrorResponse, useRouteError } from "@remix-run/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { Banner, BlockStack, Card, EmptyState, Page, Text } from "@shopify/polaris";

/**
 * Responses shopify-app-remix throws while authenticating: a 401 for a fetch
 * whose token is invalid (App Bridge retries it), or the HTML of the App Bridge
 * page that re-fetches a token. They must reach `boundary.error` untouched.
 */
export function isAuthResponse(error: { status: number; data: unknown }): boolean {
  return error.status === 401 || (error.status < 400 && typeof error.data === "string" && error.data.trim().startsWith("<"));
}

export function NotFoundPage({ backUrl = "/app" }: { backUrl?: string }) {
  return (
    <Page>
      <Card>
        <EmptyState heading="Page not found" action={{ content: "Back to the dashboard", url: backUrl }} image="">
          <p>This page does not exist, or it belongs to another store.</p>
        </EmptyState>
      </Card>
    </Page>
  );
}

export function SomethingWentWrongPage({ detail }: { detail?: string }) {
  return (
    <Page title="Something went wrong">
      <Banner tone="critical" title="This page could not be loaded">
        <BlockStack gap="200">
          <Text as="p">Reload the page to try again. If it keeps happening, contact support{detail ? ` and mention: ${detail}` : ""}.</Text>
        </BlockStack>
      </Banner>
    </Page>
  );
}

/**
 * For a route's ErrorBoundary inside the embedded admin (rendered within
 * app.tsx's AppProvider): a 404 gives the not-found page, the library's auth
 * responses go to `boundary.error`, anything else a short apology.
 *
 *   export function ErrorBoundary() { return <AdminRouteError />; }
 */
export function AdminRouteError() {
  const error = useRouteError();
  if (isRouteErrorResponse(error)) {
    if (error.status === 404) return <NotFoundPage />;
    if (isAuthResponse(error)) return boundary.error(error);
    return <SomethingWentWrongPage detail={`error ${error.status}`} />;
  }
  console.error(error);
  return <SomethingWentWrongPage />;
}
