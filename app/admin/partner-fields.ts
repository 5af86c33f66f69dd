// The settings form of each partner, as its folder's meta.ts defines it
// (app/connectors/<partner>/meta.ts): one entry per key of the partner's zod
// config schema, with the words the merchant reads. Client-safe: the page renders
// from it; the server parses the form with it and validates with the schema
// itself (a test pins that the keys and the secret flags match the connectors).
import { PARTNER_METAS, type PartnerId } from "~/connectors/partners";
import type { FieldSpec } from "~/connectors/partner-meta";

export type { FieldSpec } from "~/connectors/partner-meta";

/** The intents of the settings form itself; any other is a partner widget's (its settingsPage's actions). */
export const SETTINGS_FORM_INTENTS = ["save", "test", "pause", "resume"] as const;

export const isFormIntent = (intent: string) => (SETTINGS_FORM_INTENTS as readonly string[]).includes(intent);

export const PARTNER_FIELDS = Object.fromEntries(PARTNER_METAS.map((meta) => [meta.id, meta.fields])) as Record<PartnerId, readonly FieldSpec[]>;
