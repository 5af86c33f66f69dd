// Reverb's answer format (docs/partners/reverb.md "Responses"): every answer is an
// envelope whose own code may say a 2xx failed. Read here, once, for every call.
import { z } from "zod";
import { PartnerError, partnerMalformed, trimMessage } from "../errors";
import { reverbMeta } from "./meta";

export const REVERB = reverbMeta.name;

/**
 * Every answer: `{"response": {"code", "message", "data"}}`. The pages print
 * `code` as "200" and other answers carry 200: accept both. An unauthorized
 * call may instead answer `{"status": false, "error": "Unauthorized"}` [pub].
 */
export const reverbEnvelopeSchema = z.union([
  z.object({
    response: z.object({
      code: z.union([z.string(), z.number()]),
      message: z.string().optional(),
      data: z.unknown().optional(),
    }),
  }),
  z.object({ status: z.literal(false), error: z.string().optional(), message: z.string().optional() }),
]);

export type EnvelopeResult = { ok: true; data: unknown } | { ok: false; code: number | null; message: string };

/** Unwraps `{"response": {"code", "message", "data"}}`, or `{"status": false, "error"}`. */
export function openEnvelope(body: unknown, httpStatus: number, what: string): EnvelopeResult {
  const parsed = reverbEnvelopeSchema.safeParse(body);
  if (!parsed.success) throw partnerMalformed(REVERB, httpStatus, `${what}: ${JSON.stringify(body) ?? "empty body"}`);
  const envelope = parsed.data;
  if ("status" in envelope) return { ok: false, code: null, message: envelope.error ?? envelope.message ?? "status false" };
  // `code` is "200" in some answers and 200 in others [doc].
  const code = Number(envelope.response.code);
  if (Number.isInteger(code) && code >= 200 && code < 300) return { ok: true, data: envelope.response.data };
  return { ok: false, code: Number.isInteger(code) ? code : null, message: envelope.response.message ?? `code ${String(envelope.response.code)}` };
}

/**
 * A failure carried inside a 2xx answer. docs/partners/reverb.md failure table: such an
 * envelope is permanent, except an authorization refusal, which pauses the partner.
 */
export function envelopeFailure(httpStatus: number, code: number | null, message: string): PartnerError {
  const refused = code === 401 || code === 403 || (code === null && /unauthori[sz]ed|forbidden|credential|not authenticated/i.test(message));
  const label = code === null ? `${httpStatus}` : `${httpStatus} with code ${code}`;
  return new PartnerError(`${REVERB} answered ${label}: ${trimMessage(message)}`, refused ? "credentials" : "permanent", httpStatus);
}
