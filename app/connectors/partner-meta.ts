// What the app knows of a partner besides its code: its name and purpose, its
// settings form, and where its API lives. Client-safe (plain data, no connector
// code): the admin's pages, the logger and the request masker read it, and each
// partner folder's meta.ts is one of these.

interface FieldBase {
  /** A key of the partner's zod config schema (a test pins that the keys and the secret flags match). */
  key: string;
  label: string;
  helpText?: string;
  /** "credentials" fields are what Test connection checks; "settings" shape what is sent. */
  section: "credentials" | "settings";
}

/** One field of a partner's settings form: the words the merchant reads and how the value is typed in. */
export type FieldSpec =
  /** Encrypted at rest, never logged, never sent to the browser; the logger and the masker hide a key of this name. */
  | (FieldBase & { kind: "secret" })
  /** `optional`: an empty field means "not set" (the schema's default or nothing), not an empty string. */
  | (FieldBase & { kind: "text"; placeholder?: string; optional?: boolean; defaultValue?: string; monospace?: boolean })
  | (FieldBase & { kind: "select"; options: { value: string; label: string }[]; defaultValue: string })
  | (FieldBase & { kind: "checkbox"; defaultValue: boolean });

export interface PartnerMeta<Id extends string = string> {
  /** The partner's id: in URLs (/app/partners/<id>), in the database's partner columns, on the CLI. */
  id: Id;
  /** The partner's name as the merchant knows it. */
  name: string;
  /** One line on what the partner does for the merchant. */
  purpose: string;
  /** How the landing page lists the partner: its full name and what it does, e.g. "Reverb by TrackStreet (referrals)". */
  listedAs: string;
  /** The settings form, one entry per key of the config schema. */
  fields: readonly FieldSpec[];
  /** The environment variable that points the app at another host for the partner (a sandbox, a local stand-in). */
  urlVariable: string;
  /** The documented production base URL, used when the variable is not set. */
  defaultBaseUrl: string;
  /**
   * The default sending rate per shop: requests a second, and how many may go at once
   * after a quiet spell (app/sync/rate-limit.server.ts). A deployment changes it with
   * <ID>_RATE_PER_SEC and <ID>_RATE_BURST (rateVariables).
   */
  rate: { perSec: number; burst: number };
}

/** The environment variables that override a partner's sending rate: REVERB_RATE_PER_SEC, REVERB_RATE_BURST, … */
export function rateVariables(meta: Pick<PartnerMeta, "id">): { perSec: string; burst: string } {
  const prefix = meta.id.toUpperCase().replace(/[^A-Z0-9]/g, "_");
  return { perSec: `${prefix}_RATE_PER_SEC`, burst: `${prefix}_RATE_BURST` };
}

/** The keys of a partner's secret settings. */
export function secretKeysOf(meta: Pick<PartnerMeta, "fields">): string[] {
  return meta.fields.filter((field) => field.kind === "secret").map((field) => field.key);
}

/** The form's values as the merchant sees them: every non-secret field, secrets always empty. */
export type FormValues = Record<string, string | boolean>;

export function defaultValues(fields: readonly FieldSpec[]): FormValues {
  const values: FormValues = {};
  for (const field of fields) {
    if (field.kind === "secret") values[field.key] = "";
    else if (field.kind === "checkbox") values[field.key] = field.defaultValue;
    else values[field.key] = field.defaultValue ?? "";
  }
  return values;
}

/** What a Connector takes from its meta: id, display name, secret keys (each folder's index.ts spreads it). */
export function connectorIdentity<Config>(meta: PartnerMeta) {
  return { id: meta.id, displayName: meta.name, meta, secretKeys: secretKeysOf(meta) as (keyof Config & string)[] };
}
