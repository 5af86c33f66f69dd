// The app's URL opened outside the Shopify admin. With ?shop= (Shopify's
// install and "open app" links carry it) go on into the embedded admin, which
// authenticates; otherwise say what this is and where to open it.
import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { AppProvider, BlockStack, Card, Page, Text } from "@shopify/polaris";
import en from "@shopify/polaris/locales/en.json";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { inWords, PARTNER_METAS } from "~/connectors/partners";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: polarisStyles }];
export const meta: MetaFunction = () => [{ title: "Partner Sync" }];

export function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  if (url.searchParams.get("shop")) throw redirect(`/app?${url.searchParams.toString()}`);
  return null;
}

export default function Landing() {
  return (
    <AppProvider i18n={en}>
      <Page narrowWidth>
        <Card>
          <BlockStack gap="300">
            <Text as="h1" variant="headingLg">
              Partner Sync
            </Text>
            <Text as="p">Keeps {inWords(PARTNER_METAS.map((meta) => meta.listedAs))} in step with your Shopify orders.</Text>
            <Text as="p" tone="subdued">
              Open the app from your Shopify admin (Apps → Partner Sync). If it is not installed yet, install it from the Shopify App Store.
            </Text>
          </BlockStack>
        </Card>
      </Page>
    </AppProvider>
  );
}
