// Revers.io's bearer token [pub]: GET /token with the subscription key and the
// secret value answers a JWT in `value`; its lifetime (one hour) is read from `exp`.
import type { ClientDeps } from "../types";
import { partnerMalformed } from "../errors";
import { requestJson } from "../http";
import type { ReversioConfig } from "./schema";
import { reversioTokenResponseSchema } from "./schema";
import { assertEnvelopeSucceeded, reversioErrorMessage, REVERSIO } from "./envelope";

export type ReversioCredentials = Pick<ReversioConfig, "subscriptionKey" | "secretValue">;

export interface ReversioToken {
  jwt: string;
  /** When the token stops being accepted (epoch ms), from the JWT's `exp`; null when unreadable. */
  expiresAtMs: number | null;
}

/** Asks for a new token; never cached here (see the client for caching). */
export async function requestReversioToken(deps: ClientDeps, credentials: ReversioCredentials): Promise<ReversioToken> {
  const answer = await requestJson(
    deps,
    REVERSIO,
    {
      method: "GET",
      path: "/token",
      headers: { "Ocp-Apim-Subscription-Key": credentials.subscriptionKey, "Ocp-Apim-Secret-Value": credentials.secretValue },
    },
    reversioErrorMessage,
  );
  assertEnvelopeSucceeded(deps, answer);
  const parsed = reversioTokenResponseSchema.safeParse(answer.body);
  if (!parsed.success || !parsed.data.value) throw partnerMalformed(REVERSIO, answer.status, "token answer without a `value`");
  return { jwt: parsed.data.value, expiresAtMs: jwtExpiryMs(parsed.data.value) };
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
