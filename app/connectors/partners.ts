// The one list of partners, client-safe: each folder's meta.ts (name, purpose,
// settings form, URL variable). The admin's navigation and pages, the logger,
// the masker and the environment schema read it; app/connectors/registry.ts
// holds the same partners' server code (a test pins that the two agree).
import { reverbMeta } from "./reverb/meta";
import { reversioMeta } from "./reversio/meta";
import { testfreaksMeta } from "./testfreaks/meta";
import { secretKeysOf } from "./partner-meta";

export const PARTNER_METAS = [reverbMeta, reversioMeta, testfreaksMeta] as const;

/** A partner the app ships with. A registry built for a test may hold others (registry.ts: createRegistry). */
export type PartnerId = (typeof PARTNER_METAS)[number]["id"];

export const PARTNERS = PARTNER_METAS.map((meta) => meta.id) as [PartnerId, ...PartnerId[]];

export function isPartnerId(value: string): value is PartnerId {
  return (PARTNERS as readonly string[]).includes(value);
}

/** "A, B and C": the partners' names in a sentence. */
export function inWords(names: readonly string[]): string {
  return names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}

/** Every partner's secret setting keys (consumerKey, secretValue, apiKey, ...): the logger and the masker hide keys of these names. */
export const PARTNER_SECRET_KEYS: readonly string[] = [...new Set(PARTNER_METAS.flatMap(secretKeysOf))];

const normalizedSecretKeys = new Set(PARTNER_SECRET_KEYS.map(normalizeKey));

function normalizeKey(key: string): string {
  return key.replace(/[_-]/g, "").toLowerCase();
}

/** A field or body key naming one of a partner's secrets, in any spelling (consumerKey, consumer_key, CONSUMER-KEY). */
export function isPartnerSecretKey(key: string): boolean {
  return normalizedSecretKeys.has(normalizeKey(key));
}
