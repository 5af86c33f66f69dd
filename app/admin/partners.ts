// The partners as the admin names them, from each folder's meta.ts. Client-safe
// (no connector code): the navigation and page titles import it;
// app/connectors/registry.ts stays on the server.
import { PARTNER_METAS, type PartnerId } from "~/connectors/partners";

export interface PartnerLabel {
  id: PartnerId;
  name: string;
  /** One line on what the partner does for the merchant. */
  purpose: string;
}

export const PARTNER_LABELS: readonly PartnerLabel[] = PARTNER_METAS.map(({ id, name, purpose }) => ({ id, name, purpose }));

export function partnerLabel(id: PartnerId): PartnerLabel {
  return PARTNER_LABELS.find((p) => p.id === id)!;
}

/** The settings page of any registered partner (a test's own included). */
export const partnerSettingsPath = (id: string) => `/app/partners/${id}`;
