import type { LoaderFunctionArgs } from "@remix-run/node";
import { appContext } from "~/context.server";

// OAuth and token-exchange callbacks handled by @shopify/shopify-app-remix.
export async function loader({ request }: LoaderFunctionArgs) {
  await appContext().shopify.authenticate.admin(request);
  return null;
}
