import type { PrismaClient } from "@prisma/client";

/**
 * What a connector remembers per shop and partner: remote ids (Reverb customer
 * uuid by email, Revers.io model id by SKU) and short-lived values (tokens).
 * Scoped at construction, so a connector cannot read another shop's entries.
 */
export interface PartnerCache {
  get(kind: string, key: string): Promise<string | null>;
  set(kind: string, key: string, value: string, ttlMs?: number): Promise<void>;
  delete(kind: string, key: string): Promise<void>;
}

export function prismaPartnerCache(db: PrismaClient, shop: string, partner: string, now: () => Date = () => new Date()): PartnerCache {
  return {
    async get(kind, key) {
      const row = await db.partnerCache.findUnique({ where: { shop_partner_kind_key: { shop, partner, kind, key } } });
      if (!row) return null;
      if (row.expiresAt && row.expiresAt <= now() && !row.pinned) return null;
      return row.value;
    },
    async set(kind, key, value, ttlMs) {
      const expiresAt = ttlMs === undefined ? null : new Date(now().getTime() + ttlMs);
      const existing = await db.partnerCache.findUnique({ where: { shop_partner_kind_key: { shop, partner, kind, key } } });
      // A mapping the merchant set by hand wins over anything a lookup finds.
      if (existing?.pinned) return;
      await db.partnerCache.upsert({
        where: { shop_partner_kind_key: { shop, partner, kind, key } },
        create: { shop, partner, kind, key, value, expiresAt },
        update: { value, expiresAt },
      });
    },
    async delete(kind, key) {
      await db.partnerCache.deleteMany({ where: { shop, partner, kind, key } });
    },
  };
}

/** In-memory PartnerCache for unit tests of connectors. */
export function memoryPartnerCache(now: () => Date = () => new Date()): PartnerCache & { entries: Map<string, { value: string; expiresAt: number | null }> } {
  const entries = new Map<string, { value: string; expiresAt: number | null }>();
  const id = (kind: string, key: string) => `${kind}\u0000${key}`;
  return {
    entries,
    async get(kind, key) {
      const entry = entries.get(id(kind, key));
      if (!entry || (entry.expiresAt !== null && entry.expiresAt <= now().getTime())) return null;
      return entry.value;
    },
    async set(kind, key, value, ttlMs) {
      entries.set(id(kind, key), { value, expiresAt: ttlMs === undefined ? null : now().getTime() + ttlMs });
    },
    async delete(kind, key) {
      entries.delete(id(kind, key));
    },
  };
}
