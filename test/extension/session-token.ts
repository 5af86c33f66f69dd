import { createHmac, randomUUID } from "node:crypto";
import { TEST_SECRET } from "../support/harness";

export const TEST_API_KEY = "test-api-key";

const base64url = (value: string | Buffer) => Buffer.from(value).toString("base64url");

/**
 * A session token as Shopify's admin issues it to App Bridge and to admin UI
 * extensions: an HS256 JWT signed with the app's secret, addressed to the app's
 * API key, naming the shop in `iss` (…/admin) and `dest`, valid for a minute.
 */
export function mintSessionToken(
  shop: string,
  options: { secret?: string; apiKey?: string; now?: Date; ttlSeconds?: number; userId?: string } = {},
): string {
  const iat = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const header = { alg: "HS256", typ: "JWT" };
  const payload = {
    iss: `https://${shop}/admin`,
    dest: `https://${shop}`,
    aud: options.apiKey ?? TEST_API_KEY,
    sub: options.userId ?? "42",
    exp: iat + (options.ttlSeconds ?? 60),
    nbf: iat,
    iat,
    jti: randomUUID(),
    sid: randomUUID(),
  };
  const unsigned = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
  const signature = createHmac("sha256", options.secret ?? TEST_SECRET).update(unsigned).digest("base64url");
  return `${unsigned}.${signature}`;
}
