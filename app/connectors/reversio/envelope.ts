// Revers.io wraps every answer in one envelope [doc]:
// {value, errors:[{code, message, field, isWarning, ...}], failure, isHandledError, hasWarnings, isNotFound}.
// A business error comes as a 400 with details in `errors`; we also treat a 200
// whose envelope says `failure` (or carries a non-warning error) as that failure.
import type { ClientDeps } from "../types";
import { partnerErrorFromResponse } from "../errors";
import { defaultErrorMessage, type JsonResponse } from "../http";
import { reversioMeta } from "./meta";

export const REVERSIO = reversioMeta.name;

interface EnvelopeError {
  message?: unknown;
  developerMessage?: unknown;
  code?: unknown;
  isWarning?: unknown;
}

function envelopeErrors(body: unknown): EnvelopeError[] {
  if (!body || typeof body !== "object" || !("errors" in body) || !Array.isArray(body.errors)) return [];
  return body.errors.filter((e): e is EnvelopeError => !!e && typeof e === "object");
}

function text(value: unknown): string {
  return typeof value === "string" ? value.trim() : "";
}

/** The partner's own messages, verbatim (trimmed): errors before warnings; code when an error has no message. */
export function reversioErrorMessage(body: unknown, raw: string): string {
  const errors = envelopeErrors(body);
  const blocking = errors.filter((e) => e.isWarning !== true);
  const messages = (blocking.length > 0 ? blocking : errors).map((e) => text(e.message) || text(e.developerMessage) || text(e.code)).filter((m) => m !== "");
  if (messages.length > 0) return [...new Set(messages)].join("; ");
  return raw === "" ? "" : defaultErrorMessage(body, raw);
}

/** True when a 2xx envelope still reports a failure (a permanent error, docs/partners/reversio.md failure table). */
export function envelopeFailed(body: unknown): boolean {
  if (!body || typeof body !== "object") return false;
  if ("failure" in body && body.failure === true) return true;
  return envelopeErrors(body).some((e) => e.isWarning !== true);
}

/** Throws the permanent PartnerError for a 2xx answer whose envelope reports a failure. */
export function assertEnvelopeSucceeded(deps: ClientDeps, answer: JsonResponse): void {
  if (!envelopeFailed(answer.body)) return;
  const message = reversioErrorMessage(answer.body, "") || "the answer reports a failure without a message";
  throw partnerErrorFromResponse(REVERSIO, answer.status, answer.headers, message, deps.now(), true);
}

/** `isNotFound` in the envelope, for lookups whose 2xx may still mean "absent". */
export function envelopeNotFound(body: unknown): boolean {
  return !!body && typeof body === "object" && "isNotFound" in body && body.isNotFound === true;
}
