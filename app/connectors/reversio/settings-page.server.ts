// Revers.io's part of its settings page: the SKU -> model mapping the app keeps per shop
// (PartnerCache kind "model"). The merchant's own rows are pinned: a catalog lookup
// never replaces them (prismaPartnerCache.set). Every read and write is scoped by shop.
// The widget is ./ui.tsx.
import type { PrismaClient } from "@prisma/client";
import { z } from "zod";
import { formatDateTime } from "~/admin/format";
import { fieldErrors } from "~/validation";
import type { SettingsPageServer } from "../settings-page.server";
import { reversioMeta } from "./meta";

export interface ModelMapping {
  sku: string;
  modelId: string;
  /** Set by the merchant (wins over catalog lookups) or found by the app. */
  pinned: boolean;
  updatedAt: string;
}

export interface ModelMappings {
  rows: ModelMapping[];
  total: number;
  search: string;
}

export const MAPPINGS_PAGE_SIZE = 50;
const partner = reversioMeta.id;

async function modelMappings(db: PrismaClient, shop: string, search: string, timeZone?: string): Promise<ModelMappings> {
  const where = { shop, partner, kind: "model", ...(search ? { key: { contains: search } } : {}) };
  const [rows, total] = await Promise.all([db.partnerCache.findMany({ where, orderBy: [{ pinned: "desc" }, { key: "asc" }], take: MAPPINGS_PAGE_SIZE }), db.partnerCache.count({ where })]);
  return {
    rows: rows.map((r) => ({ sku: r.key, modelId: r.value, pinned: r.pinned, updatedAt: formatDateTime(r.updatedAt, timeZone) })),
    total,
    search,
  };
}

const mappingSchema = z.object({
  sku: z.string({ error: "Enter the SKU." }).trim().min(1, { error: "Enter the SKU." }).max(255, { error: "A SKU has at most 255 characters." }),
  modelId: z
    .string({ error: "Enter the Revers.io model id." })
    .trim()
    .min(1, { error: "Enter the Revers.io model id.", abort: true })
    .pipe(z.guid({ error: "A Revers.io model id is a UUID, like 3f1c2a9e-8d4b-4c1e-9a7f-2b6d5e8c0a11." })),
});

export const reversioSettingsPage: SettingsPageServer = {
  load: (deps, shop, query) => modelMappings(deps.db, shop, (query.get("sku") ?? "").trim(), deps.timeZone),
  actions: {
    "mapping-save": async (deps, shop, form) => {
      const intent = "mapping-save";
      const parsed = mappingSchema.safeParse({ sku: form.get("sku") ?? undefined, modelId: form.get("modelId") ?? undefined });
      if (!parsed.success) return { intent, ok: false, fieldErrors: fieldErrors(parsed.error) };
      const { sku, modelId } = parsed.data;
      // pinned: a catalog lookup never replaces what the merchant chose (prismaPartnerCache.set).
      await deps.db.partnerCache.upsert({
        where: { shop_partner_kind_key: { shop, partner, kind: "model", key: sku } },
        create: { shop, partner, kind: "model", key: sku, value: modelId, pinned: true, expiresAt: null },
        update: { value: modelId, pinned: true, expiresAt: null },
      });
      return { intent, ok: true, sku, message: `${sku} now maps to model ${modelId}.` };
    },
    "mapping-delete": async (deps, shop, form) => {
      const intent = "mapping-delete";
      const sku = z.string().trim().min(1).safeParse(form.get("sku"));
      if (!sku.success) return { intent, ok: false, fieldErrors: { sku: "Choose the mapping to remove." } };
      await deps.db.partnerCache.deleteMany({ where: { shop, partner, kind: "model", key: sku.data } });
      return { intent, ok: true, sku: sku.data, message: `Mapping for ${sku.data} removed: the app will look the SKU up again.` };
    },
  },
};
