// customers/data_request, for the merchant: Shopify forwards a customer's
// request to see their data (app/sync/compliance.server.ts records it, with the
// customer id and the order ids asked about, no personal data); the merchant
// answers it. This reads what the app holds for that customer, for the admin's
// Data requests page and its JSON download:
// - the orders: asked for by id, the customer's own (by customer id), and the
//   guest orders placed with an email one of those orders carries;
// - per order, its stored snapshot (the customer's data as Shopify sent it,
//   unmasked: the export is the customer's own data), its sync jobs with the
//   request last sent to each partner (secrets were never stored in it) and
//   the partner's id for it, and its attempt history, and the deliveries of it
//   the inbox still keeps (app/sync/retention.server.ts prunes them);
// - the partner ids remembered for the customer's emails (Reverb's customer id).
// Every query is scoped by the shop.
import type { PrismaClient } from "@prisma/client";
import { formatDateTime } from "./format";

export const DATA_REQUEST_TOPIC = "customers/data_request";

export interface DataRequestRow {
  id: string;
  receivedAt: string;
  receivedText: string;
  customerId: string | null;
  ordersRequested: string[];
  /** Orders the app holds for the request (see dataRequestExport). */
  ordersHeld: number;
}

function ordersOf(request: { orders: string | null }): string[] {
  try {
    const parsed = JSON.parse(request.orders ?? "[]") as unknown;
    return Array.isArray(parsed) ? parsed.map(String) : [];
  } catch {
    return [];
  }
}

/** The shop's data requests, newest first. */
/** `timeZone`: the shop's, the dates are printed in it. */
export async function listDataRequests(db: PrismaClient, shop: string, take = 100, timeZone = "UTC"): Promise<DataRequestRow[]> {
  const requests = await db.complianceRequest.findMany({ where: { shop, topic: DATA_REQUEST_TOPIC }, orderBy: { receivedAt: "desc" }, take });
  const rows: DataRequestRow[] = [];
  for (const request of requests) {
    const ordersRequested = ordersOf(request);
    rows.push({
      id: request.id,
      receivedAt: request.receivedAt.toISOString(),
      receivedText: formatDateTime(request.receivedAt, timeZone),
      customerId: request.customerId,
      ordersRequested,
      ordersHeld: (await matchingSnapshots(db, shop, request.customerId, ordersRequested)).length,
    });
  }
  return rows;
}

/** The snapshots the request covers: by order id, by customer id, then by the emails those carry. */
async function matchingSnapshots(db: PrismaClient, shop: string, customerId: string | null, orderIds: string[]) {
  const direct = [...(customerId ? [{ customerId }] : []), ...(orderIds.length > 0 ? [{ orderId: { in: orderIds } }] : [])];
  if (direct.length === 0) return [];
  const first = await db.orderSnapshot.findMany({ where: { shop, OR: direct } });
  const emails = [...new Set(first.map((s) => s.email).filter((e): e is string => !!e))];
  const more = emails.length > 0 ? await db.orderSnapshot.findMany({ where: { shop, email: { in: emails }, id: { notIn: first.map((s) => s.id) } } }) : [];
  return [...first, ...more].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.orderId.localeCompare(b.orderId));
}

const parseJson = (text: string | null): unknown => {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
};

export interface DataRequestExport {
  request: { id: string; receivedAt: string; customerId: string | null; ordersRequested: string[] };
  shop: string;
  generatedAt: string;
  about: string;
  orders: {
    orderId: string;
    orderName: string;
    /** The order as the app stores it: the customer's details, addresses, lines, amounts. */
    snapshot: unknown;
    storedSince: string;
    lastChanged: string;
    /** Shopify's deliveries of the order the app still keeps, as it keeps them. */
    deliveries: { topic: string; receivedAt: string; payload: unknown }[];
    partners: {
      partner: string;
      status: string;
      /** The partner's id for the order, when it gave one. */
      remoteId: string | null;
      /** The request the partner last accepted for this order (what was sent about the customer). */
      lastSent: unknown;
      syncedAt: string | null;
      attempts: { at: string; outcome: string; httpStatus: number | null; error: string | null }[];
    }[];
  }[];
  /** Ids a partner gave for the customer, remembered by the app (e.g. Reverb's customer id by email). */
  rememberedPartnerIds: { partner: string; kind: string; key: string; value: string; updatedAt: string }[];
}

/** Everything the app holds for the request's customer, or null when the request is not the shop's. */
export async function dataRequestExport(db: PrismaClient, shop: string, requestId: string, now: Date = new Date()): Promise<DataRequestExport | null> {
  const request = await db.complianceRequest.findFirst({ where: { shop, id: requestId, topic: DATA_REQUEST_TOPIC } });
  if (!request) return null;
  const ordersRequested = ordersOf(request);
  const snapshots = await matchingSnapshots(db, shop, request.customerId, ordersRequested);
  const orderIds = snapshots.map((s) => s.orderId);
  const jobs = orderIds.length > 0 ? await db.syncJob.findMany({ where: { shop, orderId: { in: orderIds } }, orderBy: { partner: "asc" } }) : [];
  const attempts = jobs.length > 0 ? await db.syncAttempt.findMany({ where: { shop, jobId: { in: jobs.map((j) => j.id) } }, orderBy: { startedAt: "asc" } }) : [];
  const deliveries =
    orderIds.length > 0
      ? await db.webhookEvent.findMany({ where: { shop, orderId: { in: orderIds } }, orderBy: { receivedAt: "asc" }, select: { orderId: true, topic: true, receivedAt: true, payload: true } })
      : [];
  const emails = [...new Set(snapshots.flatMap((s) => (s.email ? [s.email, s.email.trim().toLowerCase()] : [])))];
  const remembered = emails.length > 0 ? await db.partnerCache.findMany({ where: { shop, key: { in: emails } }, orderBy: [{ partner: "asc" }, { kind: "asc" }] }) : [];
  return {
    request: { id: request.id, receivedAt: request.receivedAt.toISOString(), customerId: request.customerId, ordersRequested },
    shop,
    generatedAt: now.toISOString(),
    about:
      "What the Partner Sync app holds for this customer in this store: the orders it stores (as Shopify sent them), what it sent about each to Reverb, Revers.io and TestFreaks, and the ids those partners gave. Order ids asked for that are not listed are not held by the app.",
    orders: snapshots.map((snapshot) => ({
      orderId: snapshot.orderId,
      orderName: snapshot.orderName,
      snapshot: parseJson(snapshot.payload),
      storedSince: snapshot.createdAt.toISOString(),
      lastChanged: snapshot.updatedAt.toISOString(),
      deliveries: deliveries.filter((d) => d.orderId === snapshot.orderId).map((d) => ({ topic: d.topic, receivedAt: d.receivedAt.toISOString(), payload: parseJson(d.payload) })),
      partners: jobs
        .filter((job) => job.orderId === snapshot.orderId)
        .map((job) => ({
          partner: job.partner,
          status: job.status,
          remoteId: job.remoteId,
          lastSent: parseJson(job.lastSentBody),
          syncedAt: job.syncedAt?.toISOString() ?? null,
          attempts: attempts.filter((a) => a.jobId === job.id).map((a) => ({ at: a.startedAt.toISOString(), outcome: a.outcome, httpStatus: a.httpStatus, error: a.error })),
        })),
    })),
    rememberedPartnerIds: remembered.map((entry) => ({ partner: entry.partner, kind: entry.kind, key: entry.key, value: entry.value, updatedAt: entry.updatedAt.toISOString() })),
  };
}
