// Backfills and reconciliation for the admin's cards (app/admin/backfill-card.tsx):
// GET answers the panel (polled while a backfill runs), POST starts or cancels a
// backfill, or asks for a reconciliation now. No page of its own.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { historyAction, historyPanel } from "~/admin/backfill.server";
import { requireShop } from "~/admin/session.server";
import { requestClock } from "~/admin/shop-clock.server";
import { isPartnerId } from "~/connectors/types";

export async function loader({ request }: LoaderFunctionArgs) {
  const shopRequest = await requireShop(request);
  const partner = new URL(request.url).searchParams.get("partner");
  const now = new Date();
  return historyPanel(shopRequest.ctx.db, shopRequest.shop, partner && isPartnerId(partner) ? partner : undefined, now, await requestClock(shopRequest, now));
}

export async function action({ request }: ActionFunctionArgs) {
  const shopRequest = await requireShop(request);
  const now = new Date();
  // The day the merchant picks starts at midnight in the shop's zone.
  const result = await historyAction(shopRequest.ctx.db, shopRequest.shop, await request.formData(), now, await requestClock(shopRequest, now));
  return data(result, { status: result.ok ? 200 : 400 });
}
