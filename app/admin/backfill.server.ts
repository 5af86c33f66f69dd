// The admin's side of backfills and reconciliation (app/routes/app.history.tsx):
// what the cards on Home and on a partner's page show, and their buttons.
// Every query is scoped by the shop of the verified session (app/admin/session.server.ts).
import type { PrismaClient } from "@prisma/client";
import { z } from "zod";
import { isPartnerId, PARTNERS } from "~/connectors/types";
import { backfillView, cancelBackfill, formatEta, listBackfills, startBackfill, type BackfillView } from "~/sync/backfill.server";
import { reconcileView, requestReconciliation, type ReconcileView } from "~/sync/reconcile.server";
import { dayIn, startOfDayIn, UTC_CLOCK, type ShopClock } from "~/time-zone";
import { timeZoneNote } from "./format";

export interface HistoryPanel {
  /** The running backfill this card follows (its partner's, or one for every partner), if any. */
  active: (BackfillView & { eta: string | null }) | null;
  /** The last one that ended, for its summary line. */
  last: BackfillView | null;
  reconciliation: ReconcileView;
  /** The partners set up (a backfill needs one). */
  configured: string[];
  /** The shop's today (YYYY-MM-DD in its zone): the date field's default and latest day. */
  today: string;
  /** Which zone the days are in, and why it is UTC when the shop's is not known. */
  timeZoneNote: string;
}

/** `partner`: a partner's page (its backfills and those for every partner); undefined: Home (all of them). Days and times are the clock's. */
export async function historyPanel(db: PrismaClient, shop: string, partner: string | undefined, now: Date = new Date(), clock: ShopClock = UTC_CLOCK): Promise<HistoryPanel> {
  const rows = await listBackfills(db, shop, { ...(partner ? { partner } : {}), take: 10 });
  const views = rows.map((row) => backfillView(row, now, clock.timeZone));
  const active = views.find((view) => view.active) ?? null;
  const configured = (await db.partnerConfig.findMany({ where: { shop }, select: { partner: true } })).map((c) => c.partner);
  return {
    active: active ? { ...active, eta: formatEta(active.etaSeconds) } : null,
    last: views.find((view) => !view.active) ?? null,
    reconciliation: await reconcileView(db, shop, clock.timeZone),
    configured,
    today: dayIn(now, clock.timeZone),
    timeZoneNote: timeZoneNote(clock),
  };
}

const actionSchema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("backfill-start"),
    since: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "Choose the date to start from."),
    partner: z
      .enum(PARTNERS)
      .optional()
      .or(z.literal("").transform(() => undefined)),
  }),
  z.object({ intent: z.literal("backfill-cancel"), id: z.string().min(1) }),
  z.object({ intent: z.literal("reconcile") }),
]);

export type HistoryActionResult = { ok: boolean; message: string };

/** A backfill's "since" day starts at midnight on the clock (the shop's zone). */
export async function historyAction(db: PrismaClient, shop: string, form: FormData, now: Date = new Date(), clock: ShopClock = UTC_CLOCK): Promise<HistoryActionResult> {
  const parsed = actionSchema.safeParse(Object.fromEntries(form));
  if (!parsed.success)
    return { ok: false, message: parsed.error.issues[0]?.message.startsWith("Choose") ? "Choose the date to start from." : "That action is not available here. Reload the page and try again." };
  const input = parsed.data;
  switch (input.intent) {
    case "backfill-start": {
      const partner = input.partner && isPartnerId(input.partner) ? input.partner : null;
      const started = await startBackfill(db, shop, { since: startOfDayIn(input.since, clock.timeZone), partner }, now);
      return started.ok ? { ok: true, message: `Backfill started: orders placed since ${input.since} are on their way.` } : { ok: false, message: started.message };
    }
    case "backfill-cancel":
      return (await cancelBackfill(db, shop, input.id, now))
        ? { ok: true, message: "Backfill cancelled. Orders already sent stay sent; the others are not sent." }
        : { ok: false, message: "This backfill has already ended." };
    case "reconcile":
      await requestReconciliation(db, shop, now);
      return { ok: true, message: "Checking your orders against Shopify: missed orders are sent within a minute." };
  }
}
