import { mintSessionToken as mint } from "../support/session-token";
import { TEST_SECRET } from "../support/harness";

export const TEST_API_KEY = "test-api-key";

/**
 * A session token as Shopify's admin issues it to admin UI extensions: valid
 * for a minute, addressed to the test app (test/support/session-token.ts signs it).
 */
export function mintSessionToken(shop: string, options: { secret?: string; apiKey?: string; now?: Date; ttlSeconds?: number; userId?: string } = {}): string {
  return mint({
    shop,
    apiKey: options.apiKey ?? TEST_API_KEY,
    secret: options.secret ?? TEST_SECRET,
    userId: options.userId,
    ttlSeconds: options.ttlSeconds ?? 60,
    ...(options.now ? { issuedAt: Math.floor(options.now.getTime() / 1000) } : {}),
  });
}
