// Revers.io's bearer token [pub]: GET /token with the subscription key and the
// secret value answers a JWT in `value`; its lifetime (one hour) is read from `exp`.
// Where the secret goes is not settled (docs/partners/reversio.md "Auth"): the public
// portal names an `Ocp-Apim-Secret-Value` header, Revers.io's own Magento module sends
// `GET /token?secret=`. We try one form, the other once when the first is refused,
// and the caller remembers the form that worked.
import type { ClientDeps } from "../types";
import { PartnerError, partnerMalformed } from "../errors";
import { requestJson } from "../http";
import { redactSecretQueryParams } from "~/logger";
import type { ReversioConfig } from "./schema";
import { reversioTokenResponseSchema } from "./schema";
import { assertEnvelopeSucceeded, reversioErrorMessage, REVERSIO } from "./envelope";

export type ReversioCredentials = Pick<ReversioConfig, "subscriptionKey" | "secretValue">;

/** Where the secret value travels on GET /token. */
export type ReversioSecretForm = "header" | "query";
/** The form tried first for a shop that has no remembered form: the one the public portal documents. */
export const DEFAULT_SECRET_FORM: ReversioSecretForm = "header";

export function isReversioSecretForm(value: unknown): value is ReversioSecretForm {
  return value === "header" || value === "query";
}

export interface ReversioToken {
  jwt: string;
  /** When the token stops being accepted (epoch ms), from the JWT's `exp`; null when unreadable. */
  expiresAtMs: number | null;
}

export interface ObtainedToken extends ReversioToken {
  /** The form Revers.io accepted. */
  form: ReversioSecretForm;
}

/**
 * Statuses by which the token call refuses a form. 401 and 403 are the documented
 * refusals [doc]; a 400 counts too, because the token call carries nothing but the
 * two keys: a gateway that reads the secret only from the other place may well call
 * it a missing field.
 */
const REFUSED = new Set([400, 401, 403]);

function refused(error: unknown): error is PartnerError {
  return error instanceof PartnerError && error.httpStatus !== null && REFUSED.has(error.httpStatus);
}

/** Asks for a new token with the secret in one form; never cached here (see the client). */
export async function requestReversioToken(deps: ClientDeps, credentials: ReversioCredentials, form: ReversioSecretForm = DEFAULT_SECRET_FORM): Promise<ReversioToken> {
  try {
    const answer = await requestJson(
      deps,
      REVERSIO,
      {
        method: "GET",
        path: form === "query" ? `/token?secret=${encodeURIComponent(credentials.secretValue)}` : "/token",
        headers: {
          "Ocp-Apim-Subscription-Key": credentials.subscriptionKey,
          ...(form === "header" ? { "Ocp-Apim-Secret-Value": credentials.secretValue } : {}),
        },
      },
      reversioErrorMessage,
    );
    assertEnvelopeSucceeded(deps, answer);
    const parsed = reversioTokenResponseSchema.safeParse(answer.body);
    if (!parsed.success || !parsed.data.value) throw partnerMalformed(REVERSIO, answer.status, "token answer without a `value`");
    return { jwt: parsed.data.value, expiresAtMs: jwtExpiryMs(parsed.data.value) };
  } catch (error) {
    throw withoutSecret(error, credentials.secretValue);
  }
}

/**
 * A token with the secret in the `preferred` form, else in the other form once.
 * Both refused: a credentials failure (the worker pauses the partner for the shop).
 */
export async function obtainReversioToken(deps: ClientDeps, credentials: ReversioCredentials, preferred: ReversioSecretForm = DEFAULT_SECRET_FORM): Promise<ObtainedToken> {
  const other: ReversioSecretForm = preferred === "header" ? "query" : "header";
  let first: PartnerError;
  try {
    return { ...(await requestReversioToken(deps, credentials, preferred)), form: preferred };
  } catch (error) {
    if (!refused(error)) throw error;
    first = error;
  }
  try {
    const token = await requestReversioToken(deps, credentials, other);
    deps.logger.info("Revers.io accepted the secret in the other form", { partner: REVERSIO, refusedForm: preferred, acceptedForm: other });
    return { ...token, form: other };
  } catch (error) {
    if (!refused(error)) throw error;
    const status = error.httpStatus === 400 ? (first.httpStatus ?? 401) : error.httpStatus;
    const detail = first.message === error.message ? first.message : `${first.message}; ${error.message}`;
    throw new PartnerError(`${detail} (the secret value was refused both as the Ocp-Apim-Secret-Value header and as ?secret=)`, "credentials", status);
  }
}

/**
 * The secret never leaves in an error (the sync log stores error texts): a partner
 * echoing its request, or a fetch failure naming the URL, would otherwise carry it.
 */
function withoutSecret(error: unknown, secret: string): unknown {
  if (!(error instanceof PartnerError)) return error;
  // As sent, and as a server may re-encode it (form encoding writes a space as "+").
  const spellings = [secret, encodeURIComponent(secret), new URLSearchParams({ s: secret }).toString().slice(2)].filter((v) => v !== "");
  const message = redactSecretQueryParams(spellings.reduce((text, v) => text.split(v).join("[redacted]"), error.message));
  if (message === error.message) return error;
  return new PartnerError(message, error.failureClass, error.httpStatus, error.retryAfterMs, error.uncertain);
}

/** Reads `exp` (seconds since epoch) from a JWT's payload without verifying it: only Revers.io needs to trust it. */
export function jwtExpiryMs(jwt: string): number | null {
  const payload = jwt.split(".")[1];
  if (!payload) return null;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    if (claims && typeof claims === "object" && "exp" in claims && typeof claims.exp === "number" && Number.isFinite(claims.exp)) {
      return claims.exp * 1000;
    }
  } catch {
    // not a JWT we can read: the caller falls back to the documented lifetime
  }
  return null;
}
