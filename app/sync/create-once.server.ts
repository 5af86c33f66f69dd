// Create-once partners (Reverb's POST /orders, docs/partners/reverb.md): the call that
// creates an order at the partner must never go out twice, because a second one is a
// second order (and a second referral commission). The job row says durably where that
// call stands (SyncJob.createState) before the request leaves, so that neither a
// retry, nor a resync, nor a worker that took over after a crash can send it again
// while its outcome is unknown: the job waits for the merchant instead, who links the
// order to the partner's id or marks it handled from the order page.
import type { PrismaClient } from "@prisma/client";
import { PartnerError } from "~/connectors/errors";
import type { CreateRecord, CreateState } from "~/connectors/types";
import { formatDateTime } from "~/admin/format";

export const CREATE_STATES = ["sending", "accepted_without_id", "handled"] as const satisfies readonly CreateState[];

/** The states in which the merchant is asked to link the order or mark it handled. */
export const CREATE_STATES_WAITING_FOR_MERCHANT = ["sending", "accepted_without_id"] as const satisfies readonly CreateState[];

/**
 * The shop's jobs (of one partner, when named) whose create waits for the merchant: no
 * remote id, and a create state the merchant settles. A job of those being run again
 * (a resync, a later webhook) still waits: only a link or mark-handled ends it.
 */
export function waitingForMerchantWhere(shop: string, partner?: string) {
  return { shop, ...(partner === undefined ? {} : { partner }), remoteId: null, createState: { in: [...CREATE_STATES_WAITING_FOR_MERCHANT] } };
}

export function isCreateState(value: string | null | undefined): value is CreateState {
  return (CREATE_STATES as readonly string[]).includes(value ?? "");
}

/** The row's create record, as the connector sees it (PushContext.createRecord). */
export function createRecordOf(row: { createState: string | null; createSentAt: Date | null } | null): CreateRecord | null {
  if (!row || !isCreateState(row.createState)) return null;
  return { state: row.createState, sentAt: row.createSentAt };
}

/**
 * Thrown when the create call may have applied (no answer, or an accepted answer
 * without an id), or did before: the job waits for the merchant in `state` and is
 * never sent again by itself. The message says what happened and what to do.
 */
export class CreateOutcomeUnknown extends Error {
  override name = "CreateOutcomeUnknown";
  constructor(
    readonly state: Exclude<CreateState, "handled">,
    message: string,
    /** The partner's answer status when one was read (a 2xx without an id). */
    readonly httpStatus: number | null = null,
  ) {
    super(message);
  }
}

/** Socket errors that happen before any byte of the request left: the partner cannot have applied it. */
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "ERR_INVALID_URL"]);

/** Whether a fetch failure certainly happened before the request was sent (connection refused, no such host). */
export function refusedBeforeSending(error: unknown, depth = 0): boolean {
  if (depth > 4 || error === null || typeof error !== "object") return false;
  const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === "string" && NOT_SENT_CODES.has(code)) return true;
  // Node's happy-eyeballs connect reports one refusal per address tried.
  if (Array.isArray(errors) && errors.length > 0 && errors.every((inner) => refusedBeforeSending(inner, depth + 1))) return true;
  return refusedBeforeSending(cause, depth + 1);
}

const isSuccess = (status: number | null) => status !== null && status >= 200 && status < 300;

/** A row changed under the attempt before the create left: nothing was sent. */
class CreateNotClaimed extends Error {
  override name = "CreateNotClaimed";
}

/**
 * One attempt's guard. `sendCreate` arms it; the runner's fetch passes the next
 * write request through `send`, which records "sending" on the row (only while the
 * worker still holds the job and no outcome is stored) and then sends. Refusals
 * certainly not applied (an answer read as a failure, a connection refused) clear
 * the record so that the retry policy applies as usual.
 */
export function createOnceGuard(db: PrismaClient, job: { id: string; leaseOwner: string }, now: () => Date) {
  let armed = false;
  let marked = false;

  const clear = () => db.syncJob.updateMany({ where: { id: job.id, createState: "sending" }, data: { createState: null, createSentAt: null } });

  return {
    /** Whether a create request left during this attempt (its id must be stored at once). */
    get sent(): boolean {
      return marked;
    },

    async sendCreate<T>(partnerName: string, what: string, send: () => Promise<T>): Promise<T> {
      armed = true;
      try {
        return await send();
      } catch (error) {
        if (!marked) throw error;
        if (error instanceof PartnerError && error.uncertain && isSuccess(error.httpStatus)) {
          // A 2xx whose body could not be read: the partner accepted the order.
          throw new CreateOutcomeUnknown("accepted_without_id", acceptedWithoutIdMessage(partnerName, what, error.message), error.httpStatus);
        }
        if (error instanceof PartnerError && !error.uncertain) {
          // An answer read as a refusal (an error status, or a failure inside the envelope): not applied.
          await clear();
          marked = false;
          throw error;
        }
        throw new CreateOutcomeUnknown("sending", noAnswerMessage(partnerName, what, error instanceof Error ? error.message : String(error)));
      } finally {
        armed = false;
      }
    },

    /** The runner's fetch, for a request that is about to leave. */
    async send(method: string, request: () => Promise<Response>): Promise<Response> {
      if (!armed || method === "GET" || method === "HEAD") return request();
      armed = false;
      const claimed = await db.syncJob.updateMany({
        where: { id: job.id, leaseOwner: job.leaseOwner, remoteId: null, createState: null },
        data: { createState: "sending", createSentAt: now() },
      });
      if (claimed.count !== 1) throw new CreateNotClaimed("the job was taken over or already holds a create outcome: nothing was sent");
      marked = true;
      try {
        return await request();
      } catch (error) {
        if (refusedBeforeSending(error)) {
          await clear();
          marked = false;
        }
        throw error;
      }
    },
  };
}

function noAnswerMessage(partnerName: string, what: string, detail: string): string {
  return (
    `${what} was sent to ${partnerName} but no answer came back (${detail}), so ${partnerName} may hold it. ` +
    `The app does not send it again, which could create a second order: on this order's page, look it up in ${partnerName} by its id, or mark it handled.`
  );
}

function acceptedWithoutIdMessage(partnerName: string, what: string, detail: string): string {
  return (
    `${partnerName} accepted ${what} but did not say its id (${detail}). ` +
    `The app does not send it again, which would create a second order: on this order's page, look it up in ${partnerName} by its id, or mark it handled.`
  );
}

/** The sentence for a job found waiting in `state` (no call made this attempt). */
export function waitingMessage(partnerName: string, what: string, record: CreateRecord, timeZone = "UTC"): string {
  // On the merchant's clock, as every date of the admin (the sentence is stored and shown there).
  const when = record.sentAt ? ` on ${formatDateTime(record.sentAt, timeZone)}` : "";
  const ask = `On this order's page, look it up in ${partnerName} by its id, or mark it handled.`;
  switch (record.state) {
    case "accepted_without_id":
      return `${partnerName} accepted ${what}${when} but did not say its id. The app does not send it again, which would create a second order. ${ask}`;
    case "sending":
      return `${what} was sent to ${partnerName}${when} and its answer was never stored (no answer, or the app stopped meanwhile), so ${partnerName} may hold it. The app does not send it again, which could create a second order. ${ask}`;
    case "handled":
      return `You marked ${what} as handled in ${partnerName}: the app never creates it there. To have later changes sent, look it up in ${partnerName} by its id on this order's page.`;
  }
}

export type CreateActionResult = { ok: true } | { ok: false; reason: "not_waiting" | "id_in_use" };

/**
 * The merchant found the order at the partner: its id becomes the job's remote id
 * and the job runs again, so later changes are updates of it. Only a job waiting
 * in an unknown create state (or marked handled) can be linked.
 */
export async function linkCreatedOrder(db: PrismaClient, shop: string, orderId: string, partner: string, remoteId: string, now: Date): Promise<CreateActionResult> {
  const inUse = await db.syncJob.findFirst({ where: { shop, partner, remoteId, NOT: { orderId } }, select: { id: true } });
  if (inUse) return { ok: false, reason: "id_in_use" };
  const linked = await db.syncJob.updateMany({
    where: { shop, orderId, partner, remoteId: null, createState: { in: [...CREATE_STATES] } },
    data: {
      remoteId,
      createState: null,
      createSentAt: null,
      // Due now, with nothing accepted yet: the next attempt updates the partner's copy to the order as it stands.
      status: "pending",
      nextRunAt: now,
      attempts: 0,
      lastError: null,
      holdReason: null,
      lastSentHash: null,
      uncertain: false,
      generation: { increment: 1 },
    },
  });
  return linked.count === 1 ? { ok: true } : { ok: false, reason: "not_waiting" };
}

/** The merchant says the order needs nothing more: stored as handled, the create is never sent. */
export async function markCreateHandled(db: PrismaClient, shop: string, orderId: string, partner: string, message: string): Promise<CreateActionResult> {
  const marked = await db.syncJob.updateMany({
    where: { shop, orderId, partner, remoteId: null, createState: { in: [...CREATE_STATES_WAITING_FOR_MERCHANT] } },
    // A worker holding the job meanwhile writes nothing over this (its generation is older).
    data: { createState: "handled", status: "skipped", lastError: message, holdReason: null, uncertain: false, generation: { increment: 1 } },
  });
  return marked.count === 1 ? { ok: true } : { ok: false, reason: "not_waiting" };
}

/**
 * sendCreate without a row to record on (a connector driven directly, as in its
 * contract tests): the outcome is read the same way, nothing is stored.
 */
export async function sendCreateUnrecorded<T>(partnerName: string, what: string, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    if (error instanceof PartnerError && error.uncertain && isSuccess(error.httpStatus)) {
      throw new CreateOutcomeUnknown("accepted_without_id", acceptedWithoutIdMessage(partnerName, what, error.message), error.httpStatus);
    }
    if (error instanceof PartnerError && !error.uncertain) throw error;
    throw new CreateOutcomeUnknown("sending", noAnswerMessage(partnerName, what, error instanceof Error ? error.message : String(error)));
  }
}
