// Backfills and reconciliation for the admin's cards (app/admin/backfill-card.tsx):
// GET answers the panel (polled while a backfill runs), POST starts or cancels a
// backfill, or asks for a reconciliation now. No page of its own.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { historyAction, historyPanel } from "~/admin/backfill.server";
import { requireShop } from "~/admin/session.server";
import { isPartnerId } from "~/connectors/types";

export async function loader({ request }: LoaderFunctionArgs) {
  const { shop, ctx } = await requireShop(request);
  const partner = new URL(request.url).searchParams.get("partner");
  return historyPanel(ctx.db, shop, partner && isPartnerId(partner) ? partner : undefined);
}

export async function action({ request }: ActionFunctionArgs) {
  const { shop, ctx } = await requireShop(request);
  const result = await historyAction(ctx.db, shop, await request.formData());
  return data(result, { status: result.ok ? 200 : 400 });
}
