// SKU -> Revers.io modelId (docs/partners/reversio.md "Catalog" [ours]): the shop's remembered
// mapping first (a merchant-pinned one wins: the PartnerCache returns it), then
// the catalog by SKU, then, when the settings allow it, a new brand + model.
import { SyncSkipped } from "../errors";
import type { PartnerCache } from "~/sync/partner-cache.server";
import type { ReversioClient } from "./client";
import type { ReversioPlannedProduct } from "./map";
import type { ReversioConfig, ReversioModelFlags } from "./schema";

/**
 * The flags of every model the app creates (docs/partners/reversio.md "Catalog", [ours]):
 * returnable and sent back by parcel, and nothing that would add a step a customer
 * could fail (a serial number), a cost the merchant did not choose (bulky freight,
 * a technician's visit) or a repair service the shop may not offer. The merchant
 * changes them per model in Revers.io; models found by SKU are never touched.
 */
export const CREATED_MODEL_FLAGS: Readonly<ReversioModelFlags> = Object.freeze({
  isReturnable: true,
  isTransportable: true,
  isRepairable: false,
  isSerializable: false,
  isOnSiteInterventionPossible: false,
  isCumbersome: false,
});

type Catalog = Pick<ReversioClient, "findModelBySku" | "createModel" | "listBrands" | "createBrand">;

export async function resolveModelIds(
  catalog: Catalog,
  planned: readonly ReversioPlannedProduct[],
  config: Pick<ReversioConfig, "createMissingModels" | "modelTypeId">,
  cache: PartnerCache,
): Promise<Map<string, string>> {
  // The first unit of a SKU describes its model (brand, label, photo).
  const productBySku = new Map<string, ReversioPlannedProduct>();
  for (const product of planned) if (!productBySku.has(product.sku)) productBySku.set(product.sku, product);

  const modelIds = new Map<string, string>();
  const missing: ReversioPlannedProduct[] = [];
  for (const [sku, product] of productBySku) {
    const remembered = await cache.get("model", sku);
    if (remembered) {
      modelIds.set(sku, remembered);
      continue;
    }
    const found = await catalog.findModelBySku(sku);
    if (found) {
      modelIds.set(sku, found.id);
      await cache.set("model", sku, found.id);
    } else {
      missing.push(product);
    }
  }
  if (missing.length === 0) return modelIds;

  // Decided before creating anything, so a skipped order leaves the catalog untouched.
  const named = `${missing.length === 1 ? "SKU" : "SKUs"} ${missing.map((p) => p.sku).join(", ")}`;
  if (!config.createMissingModels) {
    throw new SyncSkipped(`Revers.io has no model for ${named}: create it in Revers.io, map the SKU to a model in the app, or let the app create missing models`);
  }
  if (!config.modelTypeId) {
    throw new SyncSkipped(`Revers.io has no model for ${named}, and creating one needs a model type: choose it in the Revers.io settings`);
  }

  const brandId = brandResolver(catalog, cache);
  for (const product of missing) {
    const model = await catalog.createModel({
      brandId: await brandId(product.brandName),
      modelTypeId: config.modelTypeId,
      label: product.label,
      sKU: product.sku,
      eANs: [],
      ...(product.photoUrl ? { photoUrl: product.photoUrl } : {}),
      additionalInformation: { ...CREATED_MODEL_FLAGS },
      state: "New",
    });
    modelIds.set(product.sku, model.id);
    await cache.set("model", product.sku, model.id);
  }
  return modelIds;
}

/** Brand = product vendor [ours]: found by name (case-insensitive) in the catalog, else created; remembered per shop. */
function brandResolver(catalog: Catalog, cache: PartnerCache) {
  let catalogBrands: Map<string, string> | null = null;
  return async (name: string): Promise<string> => {
    const key = name.trim().toLowerCase();
    const remembered = await cache.get("brand", key);
    if (remembered) return remembered;
    catalogBrands ??= new Map((await catalog.listBrands()).flatMap((b) => (b.name ? [[b.name.trim().toLowerCase(), b.id] as const] : [])));
    const brandId = catalogBrands.get(key) ?? (await catalog.createBrand(name.trim())).id;
    catalogBrands.set(key, brandId);
    await cache.set("brand", key, brandId);
    return brandId;
  };
}
