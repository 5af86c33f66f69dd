// Shopify session tokens for tests, minted with the app secret exactly as the
// Shopify admin signs them (https://shopify.dev/docs/apps/build/authentication-authorization/session-tokens):
// HS256 over {iss, dest, aud, sub, exp, nbf, iat, jti, sid}. Test-side only: the
// app never mints a token (it only verifies them, with @shopify/shopify-api).
import { createHmac, randomBytes, randomUUID } from "node:crypto";

export interface SessionTokenOptions {
  shop: string;
  apiKey: string;
  secret: string;
  /** Staff member id (`sub`). */
  userId?: string;
  /** Lifetime; Shopify's own tokens live a minute, tests may need the page open longer. */
  ttlSeconds?: number;
  /** Seconds since the epoch the token is issued at (tests of expiry). */
  issuedAt?: number;
}

const base64url = (value: string | Buffer) => Buffer.from(value).toString("base64url");

export function mintSessionToken({ shop, apiKey, secret, userId = "42", ttlSeconds = 3600, issuedAt = Math.floor(Date.now() / 1000) }: SessionTokenOptions): string {
  const header = base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const payload = base64url(
    JSON.stringify({
      iss: `https://${shop}/admin`,
      dest: `https://${shop}`,
      aud: apiKey,
      sub: userId,
      exp: issuedAt + ttlSeconds,
      nbf: issuedAt - 5,
      iat: issuedAt,
      jti: randomUUID(),
      sid: randomBytes(16).toString("hex"),
    }),
  );
  // The key is the secret's characters as bytes (shopify-api's getHMACKey), i.e. latin1.
  const signature = createHmac("sha256", Buffer.from(secret, "latin1")).update(`${header}.${payload}`).digest("base64url");
  return `${header}.${payload}.${signature}`;
}

/** The `host` query parameter the admin adds: base64 of admin.shopify.com/store/<store name>. */
export function hostParam(shop: string): string {
  return Buffer.from(`admin.shopify.com/store/${shop.replace(/\.myshopify\.com$/, "")}`)
    .toString("base64")
    .replace(/=+$/, "");
}

/** The query string the Shopify admin opens an embedded page with. */
export function embeddedQuery(options: SessionTokenOptions): URLSearchParams {
  return new URLSearchParams({ embedded: "1", shop: options.shop, host: hostParam(options.shop), id_token: mintSessionToken(options) });
}
