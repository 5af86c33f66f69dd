// Incidents the merchant is told about, without having to open the app:
// - credentials_refused: a partner refused the saved credentials, so its jobs
//   are paused (run-job.server.ts pauses the partner and raises this);
// - failures: failed attempts for one partner within an hour reached
//   ALERT_FAILURE_THRESHOLD (default 5);
// - waiting_for_merchant: orders whose create the partner may hold (Reverb
//   accepted the POST without saying the id, or no answer came back:
//   create-once.server.ts) wait for the merchant to link them or mark them
//   handled; open while any order of the partner waits.
// An open incident shows as a banner on every admin page (app/routes/app.tsx)
// and is emailed to the shop's contact address. Email rules: an incident is
// emailed once, never again; it goes at once, alone, when the shop got no
// alert email in the last 24 h, else it waits for that day's digest, which
// lists every incident that waited and goes at most once every 24 h. So a
// partner failing all night sends one email, not one per failure.
// An email names the shop, the partner, what happened, what to do and at most
// a few order names: never a secret, a partner's error text (it can quote a
// customer's address) or a customer's personal data (docs/alerts-and-retention.md).
import type { PrismaClient } from "@prisma/client";
import { maintenanceSettings } from "~/config.server";
import { connectors } from "~/connectors/registry";
import { isPartnerId } from "~/connectors/types";
import type { Logger } from "~/logger";
import { createSmtpMailer, type Mailer, type OutgoingEmail } from "~/mail.server";
import type { ShopifyGraphql } from "~/shopify/admin-graphql.server";
import { CREATE_STATES_WAITING_FOR_MERCHANT, waitingForMerchantWhere } from "./create-once.server";
import { isUniqueViolation } from "./ingest.server";
import { formatDateTime } from "~/admin/format";
import { isTimeZone } from "~/time-zone";

export const ALERT_KINDS = ["credentials_refused", "failures", "waiting_for_merchant"] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
export type AlertResolution = "credentials_saved" | "partner_accepted" | "merchant_dismissed" | "partner_removed" | "orders_settled";

/** The window failures are counted in. */
export const FAILURE_WINDOW_MS = 60 * 60 * 1000;
/** One alert email (an incident's, or the digest) per shop within this. */
export const EMAIL_INTERVAL_MS = 24 * 60 * 60 * 1000;
/** How long the cached contact address is trusted before it is read from Shopify again. */
const CONTACT_EMAIL_TTL_MS = 7 * 24 * 60 * 60 * 1000;
/** Attempt outcomes that count as a failure (not a wait: rate limits, pauses and skips are not the partner failing). */
const FAILED_OUTCOMES = ["retry", "failed"];
/** At most this many order names in a failures email. */
const ORDER_NAMES_SHOWN = 5;

const openKey = (shop: string, partner: string, kind: AlertKind) => `${shop} ${partner} ${kind}`;
const partnerName = (partner: string) => (isPartnerId(partner) ? connectors[partner].displayName : partner);

/** Opens an incident unless one of this kind is open for the shop and partner; answers whether it opened one. */
export async function raiseAlert(db: PrismaClient, shop: string, partner: string, kind: AlertKind, now: Date, failures?: number): Promise<boolean> {
  try {
    await db.alert.create({ data: { shop, partner, kind, openKey: openKey(shop, partner, kind), openedAt: now, failures: failures ?? null } });
    return true;
  } catch (error) {
    // Open already (raised by an earlier attempt, or by another worker just now).
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}

export async function resolveAlert(db: PrismaClient, where: { shop: string; partner: string; kind: AlertKind } | { shop: string; id: string }, how: AlertResolution, now: Date): Promise<boolean> {
  const match = "id" in where ? { shop: where.shop, id: where.id, resolvedAt: null } : { openKey: openKey(where.shop, where.partner, where.kind) };
  const { count } = await db.alert.updateMany({ where: match, data: { openKey: null, resolvedAt: now, resolvedBy: how } });
  return count > 0;
}

/**
 * Called by the runner after each attempt it records: a failure may open a
 * failures incident, an accepted request resolves the partner's open one.
 */
export async function noteAttemptForAlerts(deps: { db: PrismaClient; env: Record<string, string | undefined> }, job: { shop: string; partner: string }, outcome: string, now: Date): Promise<void> {
  // The job now waits for the merchant (its create's outcome is unknown): the merchant is told.
  if (outcome === "waiting_for_merchant") {
    await raiseAlert(deps.db, job.shop, job.partner, "waiting_for_merchant", now);
    return;
  }
  // "unchanged" made no call: it says nothing of whether the partner works again.
  if (outcome === "synced") {
    // A read first: this runs after every accepted job, and an open incident is rare (no write on the hot path).
    const open = await deps.db.alert.findUnique({ where: { openKey: openKey(job.shop, job.partner, "failures") }, select: { id: true } });
    if (open) await resolveAlert(deps.db, { shop: job.shop, id: open.id }, "partner_accepted", now);
    return;
  }
  if (!FAILED_OUTCOMES.includes(outcome)) return;
  // Failures before the last incident of this kind was resolved were told about already.
  const hourAgo = new Date(now.getTime() - FAILURE_WINDOW_MS);
  const lastResolved = await deps.db.alert.findFirst({
    where: { shop: job.shop, partner: job.partner, kind: "failures", resolvedAt: { gt: hourAgo } },
    orderBy: { resolvedAt: "desc" },
    select: { resolvedAt: true },
  });
  const since = lastResolved?.resolvedAt ?? hourAgo;
  const failures = await deps.db.syncAttempt.count({
    where: { shop: job.shop, startedAt: { gt: since }, outcome: { in: FAILED_OUTCOMES }, job: { shop: job.shop, partner: job.partner } },
  });
  if (failures >= maintenanceSettings(deps.env).alertFailureThreshold) await raiseAlert(deps.db, job.shop, job.partner, "failures", now, failures);
}

/** Kinds whose end is read from the shop's state (refreshShopAlerts), rather than from an attempt. */
const REFRESHED_KINDS: AlertKind[] = ["credentials_refused", "waiting_for_merchant"];

/**
 * Resolves the shop's incidents that ended: credentials incidents whose partner
 * runs again (new credentials saved: the pause is cleared), waiting incidents
 * with no order waiting any more (linked or marked handled), and both when the
 * partner is no longer set up.
 */
export async function refreshShopAlerts(db: PrismaClient, shop: string, now: Date): Promise<void> {
  const open = await db.alert.findMany({ where: { shop, resolvedAt: null, kind: { in: REFRESHED_KINDS } }, select: { id: true, partner: true, kind: true } });
  if (open.length === 0) return;
  const configs = await db.partnerConfig.findMany({ where: { shop, partner: { in: open.map((a) => a.partner) } }, select: { partner: true, holdReason: true } });
  for (const alert of open) {
    const config = configs.find((c) => c.partner === alert.partner);
    if (!config) await resolveAlert(db, { shop, id: alert.id }, "partner_removed", now);
    else if (alert.kind === "credentials_refused" && config.holdReason === null) await resolveAlert(db, { shop, id: alert.id }, "credentials_saved", now);
    else if (alert.kind === "waiting_for_merchant") await resolveWaitingIfSettled(db, shop, alert.partner, now);
  }
}

/**
 * Resolves the shop's waiting incident for the partner once none of its orders waits
 * (the merchant linked the last one, or marked it handled). Answers whether it did.
 */
export async function resolveWaitingIfSettled(db: PrismaClient, shop: string, partner: string, now: Date): Promise<boolean> {
  const waiting = await db.syncJob.findFirst({ where: waitingForMerchantWhere(shop, partner), select: { id: true } });
  if (waiting) return false;
  return resolveAlert(db, { shop, partner, kind: "waiting_for_merchant" }, "orders_settled", now);
}

/**
 * The alert pass's look for orders waiting without an open incident (one whose
 * attempt could not note it, or that waited before the incident existed). Only a
 * paused job counts: "sending" is also the state of a create in flight right now.
 * Across shops, as the worker's claims are; each incident is the shop's own. Answers how many it opened.
 */
export async function raiseWaitingAlerts(db: PrismaClient, now: Date): Promise<number> {
  const pairs = await db.syncJob.findMany({
    where: { status: "paused", remoteId: null, createState: { in: [...CREATE_STATES_WAITING_FOR_MERCHANT] } },
    select: { shop: true, partner: true },
    distinct: ["shop", "partner"],
    take: 1000,
  });
  let opened = 0;
  for (const { shop, partner } of pairs) {
    // A read first: an incident open already is the common case, and needs no failed insert.
    const open = await db.alert.findUnique({ where: { openKey: openKey(shop, partner, "waiting_for_merchant") }, select: { id: true } });
    if (!open && (await raiseAlert(db, shop, partner, "waiting_for_merchant", now))) opened++;
  }
  return opened;
}

/** How many of the partner's orders wait for the merchant, and the first of them (by when it was last touched). */
export interface WaitingOrders {
  count: number;
  firstOrderId: string | null;
}

async function waitingOrders(db: PrismaClient, shop: string, partner: string): Promise<WaitingOrders> {
  const where = waitingForMerchantWhere(shop, partner);
  const [count, first] = await Promise.all([db.syncJob.count({ where }), db.syncJob.findFirst({ where, orderBy: [{ updatedAt: "asc" }, { id: "asc" }], select: { orderId: true } })]);
  return { count, firstOrderId: first?.orderId ?? null };
}

/** The names of the orders waiting (the only order data a waiting email carries). */
async function waitingOrderNames(db: PrismaClient, shop: string, partner: string): Promise<string[]> {
  const jobs = await db.syncJob.findMany({ where: waitingForMerchantWhere(shop, partner), orderBy: [{ updatedAt: "asc" }, { id: "asc" }], select: { orderId: true }, take: ORDER_NAMES_SHOWN });
  const snapshots = await db.orderSnapshot.findMany({ where: { shop, orderId: { in: jobs.map((j) => j.orderId) } }, select: { orderName: true } });
  return snapshots.map((s) => s.orderName).sort();
}

// ---------------------------------------------------------------------------
// What the merchant reads: the banner and the emails share these sentences.

export interface AlertView {
  id: string;
  partner: string;
  partnerName: string;
  kind: AlertKind;
  openedAt: string;
  resolvedAt: string | null;
  resolvedBy: string | null;
  emailedAt: string | null;
  title: string;
  message: string;
  /** Where the merchant acts on it, inside the app. */
  actionPath: string;
  actionLabel: string;
  /** Only a failures incident can be dismissed: a credentials one ends when the credentials are saved, a waiting one when no order waits. */
  dismissible: boolean;
}

interface AlertRow {
  id: string;
  partner: string;
  kind: string;
  openedAt: Date;
  resolvedAt: Date | null;
  resolvedBy: string | null;
  emailedAt: Date | null;
  failures: number | null;
}

/** `waiting`: for an open waiting incident, the orders waiting now (the sentences name how many, and link the one). */
export function describeAlert(row: AlertRow, waiting?: WaitingOrders): AlertView {
  const name = partnerName(row.partner);
  const kind = (ALERT_KINDS as readonly string[]).includes(row.kind) ? (row.kind as AlertKind) : "failures";
  const base = {
    id: row.id,
    partner: row.partner,
    partnerName: name,
    kind,
    openedAt: row.openedAt.toISOString(),
    resolvedAt: row.resolvedAt?.toISOString() ?? null,
    resolvedBy: row.resolvedBy,
    emailedAt: row.emailedAt?.toISOString() ?? null,
  };
  if (kind === "credentials_refused") {
    return {
      ...base,
      title: `${name} refused the saved credentials`,
      message: `Orders are not being sent to ${name}: they wait in the app and go out once valid credentials are saved.`,
      actionPath: `/app/partners/${row.partner}`,
      actionLabel: `Update the ${name} settings`,
      dismissible: false,
    };
  }
  if (kind === "waiting_for_merchant") {
    const count = waiting?.count ?? 0;
    const single = count === 1 && waiting?.firstOrderId ? waiting.firstOrderId : null;
    return {
      ...base,
      title: count === 0 ? `Orders wait for you in ${name}` : count === 1 ? `1 order waits for you in ${name}` : `${count} orders wait for you in ${name}`,
      message:
        `${name} may hold ${count === 1 ? "this order" : "these orders"} already: it accepted ${count === 1 ? "it" : "them"} without saying the id, or no answer came back. ` +
        `The app does not send ${count === 1 ? "it" : "them"} again, which could create a second order: on each order's page, look it up in ${name} by its id, or mark it handled.`,
      actionPath: single ? `/app/orders/${encodeURIComponent(single)}` : `/app/log?partner=${row.partner}&waiting=merchant`,
      actionLabel: single ? "Open the order" : "See the orders waiting",
      dismissible: false,
    };
  }
  return {
    ...base,
    title: `${name} is failing`,
    message: `${row.failures ?? "Several"} attempts to send orders to ${name} failed within an hour. The sync log says why each one failed; the app retries those that can still succeed.`,
    actionPath: `/app/log?partner=${row.partner}&status=failed`,
    actionLabel: "Open the sync log",
    dismissible: true,
  };
}

/** The rows' views; an open waiting incident reads its orders waiting now. */
async function describeAlerts(db: PrismaClient, shop: string, rows: AlertRow[]): Promise<AlertView[]> {
  return Promise.all(rows.map(async (row) => describeAlert(row, row.kind === "waiting_for_merchant" && row.resolvedAt === null ? await waitingOrders(db, shop, row.partner) : undefined)));
}

/** The shop's open incidents for the banner, after resolving those that ended (credentials saved meanwhile). */
export async function openAlerts(db: PrismaClient, shop: string, now: Date): Promise<AlertView[]> {
  await refreshShopAlerts(db, shop, now);
  const rows = await db.alert.findMany({ where: { shop, resolvedAt: null }, orderBy: { openedAt: "asc" } });
  return describeAlerts(db, shop, rows);
}

/** Open incidents and those resolved in the last `days`, newest first, for the Alerts page. */
export async function recentAlerts(db: PrismaClient, shop: string, now: Date, days = 30): Promise<AlertView[]> {
  await refreshShopAlerts(db, shop, now);
  const since = new Date(now.getTime() - days * 24 * 60 * 60 * 1000);
  const rows = await db.alert.findMany({ where: { shop, OR: [{ resolvedAt: null }, { openedAt: { gte: since } }] }, orderBy: { openedAt: "desc" }, take: 100 });
  return describeAlerts(db, shop, rows);
}

// ---------------------------------------------------------------------------
// Email

export interface ShopContact {
  email: string | null;
  contactEmail: string | null;
}

export interface AlertMailDeps {
  db: PrismaClient;
  env: Record<string, string | undefined>;
  logger: Logger;
  /** The shop's addresses from the Admin API (`shop { email contactEmail }`). */
  shopContact: (shop: string) => Promise<ShopContact>;
  /** Defaults to SMTP from SMTP_URL; null when the deployment has no SMTP. */
  mailer?: Mailer | null;
}

const SHOP_CONTACT_QUERY = "query ShopContact { shop { email contactEmail } }";

/** The shop's addresses through the Admin API (the caller gives the shop's offline-session client). */
export async function readShopContact(graphql: ShopifyGraphql): Promise<ShopContact> {
  const answer = (await graphql(SHOP_CONTACT_QUERY, {})) as { data?: { shop?: { email?: unknown; contactEmail?: unknown } | null }; errors?: { message?: string }[] };
  const shop = answer.data?.shop;
  if (!shop) throw new Error(`Shopify did not answer the shop's contact email: ${answer.errors?.[0]?.message ?? "no shop in the answer"}`);
  const text = (value: unknown) => (typeof value === "string" && value.trim() !== "" ? value.trim() : null);
  return { email: text(shop.email), contactEmail: text(shop.contactEmail) };
}

/** The address alerts go to: the cached one while fresh, else read from Shopify and kept. Null when none is known. */
export async function shopAlertAddress(deps: Pick<AlertMailDeps, "db" | "logger" | "shopContact">, shop: string, now: Date): Promise<string | null> {
  const row = await deps.db.shop.findUnique({ where: { shop }, select: { contactEmail: true, contactEmailReadAt: true } });
  if (row?.contactEmail && row.contactEmailReadAt && now.getTime() - row.contactEmailReadAt.getTime() < CONTACT_EMAIL_TTL_MS) return row.contactEmail;
  try {
    const contact = await deps.shopContact(shop);
    // email is "the shop owner's email address; Shopify will use this email address to communicate with the
    // shop owner" (Admin GraphQL, Shop); contactEmail is the public one customers write to: the fallback.
    const address = contact.email?.trim() || contact.contactEmail?.trim() || null;
    await deps.db.shop.updateMany({ where: { shop }, data: { contactEmail: address, contactEmailReadAt: now } });
    return address;
  } catch (error) {
    // Shopify unreachable or the token refused: the last known address will do.
    deps.logger.warn("shop contact email could not be read from Shopify", { shop, error: error instanceof Error ? error.message : String(error) });
    return row?.contactEmail ?? null;
  }
}

/**
 * Emails every shop its incidents that are open and not emailed yet, by the
 * rules at the top of this file. Answers the emails sent.
 */
export async function sendAlertEmails(deps: AlertMailDeps, now: Date): Promise<number> {
  const settings = maintenanceSettings(deps.env);
  const mailer = deps.mailer === undefined ? (settings.smtp ? createSmtpMailer(settings.smtp) : null) : deps.mailer;
  if (!mailer) return 0;
  const ownMailer = deps.mailer === undefined;
  let sent = 0;
  try {
    const waiting = await deps.db.alert.findMany({ where: { emailedAt: null, resolvedAt: null }, select: { shop: true }, distinct: ["shop"], take: 500 });
    for (const { shop } of waiting) {
      try {
        if (await emailShop(deps, mailer, shop, now)) sent++;
      } catch (error) {
        deps.logger.error("alert email could not be sent; retried at the next pass", { shop, error: error instanceof Error ? error.message : String(error) });
      }
    }
  } finally {
    if (ownMailer) mailer.close();
  }
  return sent;
}

async function emailShop(deps: AlertMailDeps, mailer: Mailer, shop: string, now: Date): Promise<boolean> {
  const shopRow = await deps.db.shop.findUnique({ where: { shop }, select: { alertEmails: true, uninstalledAt: true, ianaTimezone: true } });
  // The merchant turned email off (the banner still shows), or the app is gone from the shop.
  if (!shopRow || !shopRow.alertEmails || shopRow.uninstalledAt) return false;
  const last = await deps.db.alert.findFirst({ where: { shop, emailedAt: { not: null } }, orderBy: { emailedAt: "desc" }, select: { emailedAt: true } });
  if (last?.emailedAt && now.getTime() - last.emailedAt.getTime() < EMAIL_INTERVAL_MS) return false;
  const to = await shopAlertAddress(deps, shop, now);
  if (!to) {
    deps.logger.warn("alert not emailed: Shopify gave no contact email for the shop", { shop });
    return false;
  }
  const candidates = await deps.db.alert.findMany({ where: { shop, emailedAt: null, resolvedAt: null }, orderBy: { openedAt: "asc" } });
  // Claimed one by one: a second worker in the same pass gets none of them, so nothing is sent twice.
  const claimed: typeof candidates = [];
  for (const alert of candidates) {
    const { count } = await deps.db.alert.updateMany({ where: { id: alert.id, emailedAt: null }, data: { emailedAt: now } });
    if (count === 1) claimed.push({ ...alert, emailedAt: now });
  }
  if (claimed.length === 0) return false;
  // Another worker claimed other incidents of the shop at the same moment: both give theirs back
  // and the next pass sends one email, rather than two going out together.
  const claimedIds = claimed.map((a) => a.id);
  const concurrent = await deps.db.alert.count({ where: { shop, id: { notIn: claimedIds }, emailedAt: { gt: new Date(now.getTime() - EMAIL_INTERVAL_MS) } } });
  if (concurrent > 0) {
    await deps.db.alert.updateMany({ where: { id: { in: claimedIds }, emailedAt: now }, data: { emailedAt: null } });
    return false;
  }
  const orderNames = new Map<string, string[]>();
  const waiting = new Map<string, WaitingOrders>();
  for (const alert of claimed) {
    if (alert.kind === "failures") orderNames.set(alert.id, await failedOrderNames(deps.db, shop, alert.partner, alert.openedAt));
    if (alert.kind === "waiting_for_merchant") {
      waiting.set(alert.id, await waitingOrders(deps.db, shop, alert.partner));
      orderNames.set(alert.id, await waitingOrderNames(deps.db, shop, alert.partner));
    }
  }
  const email = composeAlertEmail(
    // Dates in the shop's zone as the admin last read it (app/shopify/shop-zone.server.ts), else UTC.
    { shop, apiKey: deps.env.SHOPIFY_API_KEY ?? "", timeZone: shopRow.ianaTimezone && isTimeZone(shopRow.ianaTimezone) ? shopRow.ianaTimezone : "UTC" },
    claimed.map((alert) => ({ view: describeAlert(alert, waiting.get(alert.id)), orderNames: orderNames.get(alert.id) ?? [] })),
    to,
  );
  try {
    await mailer.send(email);
  } catch (error) {
    // Not sent: the incidents wait for the next pass.
    await deps.db.alert.updateMany({ where: { id: { in: claimedIds }, emailedAt: now }, data: { emailedAt: null } });
    throw error;
  }
  deps.logger.info("alert emailed", { shop, incidents: claimed.length });
  return true;
}

/** The names of the orders whose attempts failed in the hour before the incident (the only order data an email carries). */
async function failedOrderNames(db: PrismaClient, shop: string, partner: string, openedAt: Date): Promise<string[]> {
  const attempts = await db.syncAttempt.findMany({
    where: { shop, startedAt: { gt: new Date(openedAt.getTime() - FAILURE_WINDOW_MS), lte: openedAt }, outcome: { in: FAILED_OUTCOMES }, job: { shop, partner } },
    orderBy: { startedAt: "desc" },
    select: { job: { select: { orderId: true } } },
    take: 50,
  });
  const orderIds = [...new Set(attempts.map((a) => a.job.orderId))].slice(0, ORDER_NAMES_SHOWN);
  const snapshots = await db.orderSnapshot.findMany({ where: { shop, orderId: { in: orderIds } }, select: { orderName: true } });
  return snapshots.map((s) => s.orderName).sort();
}

/** The embedded app's page in the Shopify admin (the client id is public; it names the app, it is not a secret). */
function adminLink(shop: string, apiKey: string, path: string): string {
  return `https://${shop}/admin/apps/${encodeURIComponent(apiKey)}${path}`;
}

/** One incident's email, or the digest of several. Pure: the tests read what it writes. */
export function composeAlertEmail(app: { shop: string; apiKey: string; timeZone?: string }, incidents: { view: AlertView; orderNames: string[] }[], to: string): OutgoingEmail {
  const paragraph = ({ view, orderNames }: { view: AlertView; orderNames: string[] }) =>
    [
      `${view.title} (since ${formatDateTime(new Date(view.openedAt), app.timeZone)}).`,
      view.message,
      ...(orderNames.length > 0 ? [`Orders affected include ${orderNames.join(", ")}.`] : []),
      `${view.actionLabel}: ${adminLink(app.shop, app.apiKey, view.actionPath)}`,
    ].join("\n");
  const single = incidents.length === 1;
  const subject = single ? `Partner Sync: ${incidents[0]!.view.title} on ${app.shop}` : `Partner Sync: ${incidents.length} problems on ${app.shop}`;
  const text = [
    single ? `Partner Sync needs your attention on ${app.shop}.` : `Partner Sync needs your attention on ${app.shop}: ${incidents.length} problems.`,
    ...incidents.map(paragraph),
    "A banner in the app shows each problem until it is resolved. At most one email a day is sent; you can turn these emails off on the app's Alerts page: " +
      adminLink(app.shop, app.apiKey, "/app/alerts"),
  ].join("\n\n");
  return { to, subject, text };
}

/** The merchant's email switch. */
export async function setAlertEmails(db: PrismaClient, shop: string, on: boolean): Promise<void> {
  await db.shop.updateMany({ where: { shop }, data: { alertEmails: on } });
}

export async function alertEmailSettings(db: PrismaClient, env: Record<string, string | undefined>, shop: string): Promise<{ on: boolean; address: string | null; deploymentCanEmail: boolean }> {
  const row = await db.shop.findUnique({ where: { shop }, select: { alertEmails: true, contactEmail: true } });
  return { on: row?.alertEmails ?? true, address: row?.contactEmail ?? null, deploymentCanEmail: maintenanceSettings(env).smtp !== null };
}

/**
 * The worker's periodic pass: orders waiting for the merchant without an
 * incident get one, credentials and waiting incidents that ended are resolved,
 * waiting emails are sent. Answers the stop function.
 */
export function startAlertMonitor(deps: Omit<AlertMailDeps, "mailer"> & { now: () => Date }, intervalMs = 60_000): () => void {
  let running = false;
  const pass = async () => {
    if (running) return;
    running = true;
    try {
      const now = deps.now();
      await raiseWaitingAlerts(deps.db, now);
      const shops = await deps.db.alert.findMany({ where: { resolvedAt: null, kind: { in: REFRESHED_KINDS } }, select: { shop: true }, distinct: ["shop"], take: 1000 });
      for (const { shop } of shops) await refreshShopAlerts(deps.db, shop, now);
      await sendAlertEmails(deps, now);
    } catch (error) {
      deps.logger.error("alert pass failed; retried at the next one", { error: error instanceof Error ? error.message : String(error) });
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void pass(), intervalMs);
  timer.unref();
  void pass();
  return () => clearInterval(timer);
}
