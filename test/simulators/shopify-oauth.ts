// Shopify's token endpoint, POST https://<shop>/admin/oauth/access_token, as
// the Admin API stand-in answers it: token exchange (a session token for an
// expiring offline token), migration of a non-expiring token, and refresh.
// Shaped after what @shopify/shopify-api 15 sends and reads (auth/oauth/*:
// a JSON body with client_id, client_secret and the grant; an answer of
// {access_token, scope, expires_in, refresh_token, refresh_token_expires_in})
// and what Shopify documents for expiring offline tokens: access tokens live an
// hour, refresh tokens 90 days, a refresh token is spent by its use (the answer
// carries the next one), a new token exchange revokes the shop's earlier
// tokens, and a refused grant is HTTP 400 with an OAuth error code.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { SimAnswer } from "./server";

export const TOKEN_PATH = "/admin/oauth/access_token";

const GRANT_TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
const ID_TOKEN = "urn:ietf:params:oauth:token-type:id_token";
const OFFLINE_TOKEN = "urn:shopify:params:oauth:token-type:offline-access-token";

export interface OAuthSettings {
  /** The app's credentials; without them a token exchange cannot check a session token and is refused. */
  app: { apiKey: string; apiSecret: string } | null;
  accessTokenTtlSec: number;
  refreshTokenTtlSec: number;
  /** Shopify's rule from 2027-01-01: Admin API calls with a non-expiring token are refused (401). Off by default, so a shop installed by the CLI works until the app migrates its token. */
  rejectNonExpiringTokens: boolean;
  /** Every refresh and migration is refused (the merchant revoked the app's access, say). */
  refuseRenewal: boolean;
}

export interface Grant {
  at: number;
  shop: string;
  grant: "token_exchange" | "migration" | "refresh";
  outcome: "issued" | "refused";
  reason?: string;
}

interface IssuedToken {
  shop: string;
  expiresAt: number;
  revoked: boolean;
}

export type TokenCheck = "valid" | "expired" | "revoked" | "non_expiring" | "unknown";

export interface TokenAuthority {
  settings: OAuthSettings;
  /** Every grant asked for, in order, with what was answered. */
  grants: Grant[];
  answer(shop: string, body: unknown): SimAnswer;
  /** What the Admin API makes of an X-Shopify-Access-Token for a shop. */
  check(shop: string, token: string): TokenCheck;
  /** Revokes every token of the shop (an uninstall). */
  revokeShop(shop: string): void;
  /** The shop's live refresh tokens (tests spend or inspect them). */
  liveRefreshTokens(shop: string): string[];
}

export function createTokenAuthority(options: Partial<OAuthSettings> = {}, now: () => number = Date.now): TokenAuthority {
  const settings: OAuthSettings = {
    app: null,
    accessTokenTtlSec: 3600,
    refreshTokenTtlSec: 90 * 24 * 3600,
    rejectNonExpiringTokens: false,
    refuseRenewal: false,
    ...options,
  };
  const access = new Map<string, IssuedToken>();
  const refresh = new Map<string, IssuedToken & { used: boolean }>();
  /** Non-expiring tokens given up in a migration: refused from then on. */
  const migrated = new Set<string>();
  const grants: Grant[] = [];

  const revokeShop = (shop: string) => {
    for (const token of [...access.values(), ...refresh.values()]) if (token.shop === shop) token.revoked = true;
  };

  const issue = (shop: string, scope: string): SimAnswer => {
    const accessToken = `shpat_${randomBytes(16).toString("hex")}`;
    const refreshToken = `shprt_${randomBytes(16).toString("hex")}`;
    access.set(accessToken, { shop, expiresAt: now() + settings.accessTokenTtlSec * 1000, revoked: false });
    refresh.set(refreshToken, { shop, expiresAt: now() + settings.refreshTokenTtlSec * 1000, revoked: false, used: false });
    return {
      status: 200,
      body: { access_token: accessToken, scope, expires_in: settings.accessTokenTtlSec, refresh_token: refreshToken, refresh_token_expires_in: settings.refreshTokenTtlSec },
    };
  };

  const refuse = (shop: string, grant: Grant["grant"], error: string, description: string): SimAnswer => {
    grants.push({ at: now(), shop, grant, outcome: "refused", reason: `${error}: ${description}` });
    return { status: 400, body: { error, error_description: description } };
  };

  function answer(shop: string, raw: unknown): SimAnswer {
    const body = (raw && typeof raw === "object" ? raw : {}) as Record<string, unknown>;
    const grantType = body.grant_type;
    const grant: Grant["grant"] = grantType === "refresh_token" ? "refresh" : body.subject_token_type === OFFLINE_TOKEN ? "migration" : "token_exchange";
    if (grantType !== "refresh_token" && grantType !== GRANT_TOKEN_EXCHANGE) return refuse(shop, grant, "unsupported_grant_type", `grant_type ${String(grantType)} is not supported`);
    if (settings.app && (body.client_id !== settings.app.apiKey || body.client_secret !== settings.app.apiSecret)) {
      return refuse(shop, grant, "invalid_client", "Client authentication failed");
    }
    const scope = "read_orders,read_products,read_fulfillments";

    if (grant === "refresh") {
      const token = typeof body.refresh_token === "string" ? refresh.get(body.refresh_token) : undefined;
      if (settings.refuseRenewal) return refuse(shop, grant, "invalid_grant", "The refresh token has been revoked");
      if (!token || token.shop !== shop) return refuse(shop, grant, "invalid_grant", "The refresh token is not valid for this shop");
      if (token.used) return refuse(shop, grant, "invalid_grant", "The refresh token has already been used");
      if (token.revoked) return refuse(shop, grant, "invalid_grant", "The refresh token has been revoked");
      if (token.expiresAt <= now()) return refuse(shop, grant, "invalid_grant", "The refresh token has expired");
      token.used = true;
    } else if (grant === "migration") {
      const subject = typeof body.subject_token === "string" ? body.subject_token : "";
      if (settings.refuseRenewal) return refuse(shop, grant, "invalid_subject_token", "The access token has been revoked");
      if (subject === "" || access.has(subject) || migrated.has(subject)) return refuse(shop, grant, "invalid_subject_token", "The subject token is not a non-expiring offline token of this shop");
      migrated.add(subject);
    } else {
      if (body.subject_token_type !== ID_TOKEN || body.requested_token_type !== OFFLINE_TOKEN) {
        return refuse(shop, grant, "invalid_request", "The stand-in exchanges session tokens for offline access tokens only");
      }
      if (body.expiring !== "1") return refuse(shop, grant, "invalid_request", "Public apps must request expiring offline tokens (expiring=1)");
      const problem = settings.app ? sessionTokenProblem(String(body.subject_token ?? ""), shop, settings.app, now()) : "the stand-in was started without the app's credentials";
      if (problem) return refuse(shop, grant, "invalid_subject_token", problem);
      // A new expiring token through token exchange revokes the shop's earlier ones.
      revokeShop(shop);
    }
    grants.push({ at: now(), shop, grant, outcome: "issued" });
    return issue(shop, scope);
  }

  function check(shop: string, token: string): TokenCheck {
    const issued = access.get(token);
    if (!issued) return migrated.has(token) ? "revoked" : settings.rejectNonExpiringTokens ? "non_expiring" : "unknown";
    if (issued.shop !== shop || issued.revoked) return "revoked";
    return issued.expiresAt <= now() ? "expired" : "valid";
  }

  const liveRefreshTokens = (shop: string) => [...refresh.entries()].filter(([, t]) => t.shop === shop && !t.used && !t.revoked).map(([token]) => token);

  return { settings, grants, answer, check, revokeShop, liveRefreshTokens };
}

/** Why a session token is not one the admin signed for this shop and app now; null when it is. */
export function sessionTokenProblem(token: string, shop: string, app: { apiKey: string; apiSecret: string }, nowMs: number): string | null {
  const [header, payload, signature] = token.split(".");
  if (!header || !payload || !signature) return "the subject token is not a JWT";
  const expected = createHmac("sha256", Buffer.from(app.apiSecret, "latin1")).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return "the session token's signature is not the app's";
  let claims: Record<string, unknown>;
  try {
    claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
  } catch {
    return "the session token's claims are not JSON";
  }
  if (claims.aud !== app.apiKey) return "the session token was issued for another app";
  if (claims.dest !== `https://${shop}`) return "the session token was issued for another shop";
  if (typeof claims.exp !== "number" || claims.exp * 1000 <= nowMs) return "the session token has expired";
  return null;
}
