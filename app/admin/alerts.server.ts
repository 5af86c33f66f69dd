// The Alerts page's server side: the shop's incidents and its email switch.
import type { PrismaClient } from "@prisma/client";
import { z } from "zod";
import { alertEmailSettings, recentAlerts, resolveAlert, setAlertEmails, type AlertView } from "~/sync/alerts.server";
import { formatDateTime } from "./format";

export interface AlertsPage {
  alerts: (AlertView & { openedText: string; resolvedText: string | null; emailedText: string | null })[];
  email: { on: boolean; address: string | null; deploymentCanEmail: boolean };
}

const RESOLVED_BY: Record<string, string> = {
  credentials_saved: "new credentials were saved",
  partner_accepted: "the partner accepted an order again",
  merchant_dismissed: "dismissed",
  partner_removed: "the partner is no longer set up",
  orders_settled: "no order waits any more",
};

/** `timeZone`: the shop's, the dates are printed in it. */
export async function loadAlertsPage(db: PrismaClient, env: Record<string, string | undefined>, shop: string, now: Date, timeZone = "UTC"): Promise<AlertsPage> {
  const alerts = await recentAlerts(db, shop, now);
  const at = (iso: string) => formatDateTime(new Date(iso), timeZone);
  return {
    alerts: alerts.map((alert) => ({
      ...alert,
      openedText: at(alert.openedAt),
      resolvedText: alert.resolvedAt ? `${at(alert.resolvedAt)} (${RESOLVED_BY[alert.resolvedBy ?? ""] ?? "resolved"})` : null,
      emailedText: alert.emailedAt ? at(alert.emailedAt) : null,
    })),
    email: await alertEmailSettings(db, env, shop),
  };
}

export const alertsActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("dismiss"), id: z.string().min(1) }),
  z.object({ intent: z.literal("emails"), on: z.enum(["true", "false"]) }),
]);

/** Runs a form post of the Alerts page (or of a banner's dismiss); answers the sentence to show. */
export async function runAlertsAction(db: PrismaClient, shop: string, form: unknown, now: Date): Promise<{ ok: boolean; message: string }> {
  const parsed = alertsActionSchema.safeParse(form);
  if (!parsed.success) return { ok: false, message: "That action is not available here. Reload the page and try again." };
  if (parsed.data.intent === "emails") {
    const on = parsed.data.on === "true";
    await setAlertEmails(db, shop, on);
    return { ok: true, message: on ? "Alert emails are on." : "Alert emails are off. The banner still shows each problem." };
  }
  // Only a failures incident can be dismissed: a refused-credentials one ends when the credentials are saved,
  // a waiting one when every order waiting is linked or marked handled.
  const alert = await db.alert.findFirst({ where: { shop, id: parsed.data.id, resolvedAt: null }, select: { kind: true } });
  if (!alert) return { ok: true, message: "That alert is already resolved." };
  if (alert.kind === "waiting_for_merchant") return { ok: false, message: "This alert ends when every order waiting is linked to the partner's id or marked handled, on its page." };
  if (alert.kind !== "failures") return { ok: false, message: "This alert ends when the partner's credentials are saved again." };
  await resolveAlert(db, { shop, id: parsed.data.id }, "merchant_dismissed", now);
  return { ok: true, message: "Alert dismissed." };
}
