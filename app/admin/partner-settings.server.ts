// The partner settings page's server side: what the page may show (never a
// secret: a secret field answers "set, changed <date>"), and every action the
// form sends, validated with zod and answering field messages instead of
// throwing. Every read and write is scoped by the shop the caller was
// authenticated for (app/admin/session.server.ts).
import { z } from "zod";
import type { AnyConnector, VerifyResult } from "~/connectors/types";
import { loadPartnerConfig, savePartnerConfig, setPartnerEnabled, type StoredPartnerConfig } from "~/sync/partner-config.server";
import { fieldErrors } from "~/validation";
import { defaultValues, type FieldSpec, type FormValues } from "~/connectors/partner-meta";
import { SETTINGS_FORM_INTENTS } from "./partner-fields";
import { formatDateTime, rateLimitNotice } from "./format";
import { partnerRates } from "~/config.server";
import { loweredRates } from "~/sync/rate-limit.server";
import { holdReasonOf } from "~/sync/hold-reason";
import type { PartnerCallDeps } from "~/sync/run-job.server";

export type SettingsDeps = PartnerCallDeps & {
  /** The shop's time zone (app/admin/shop-clock.server.ts): the page's dates are printed in it; UTC when not given. */
  timeZone?: string;
};

export interface SecretState {
  set: boolean;
  /** When the secrets were last changed, formatted for the merchant. */
  changedAt: string | null;
}

export interface SettingsView {
  partner: string;
  /** The partner's name and purpose, and its form, from its folder's meta.ts. */
  name: string;
  purpose: string;
  fields: readonly FieldSpec[];
  configured: boolean;
  enabled: boolean;
  /** The badge and, when the partner is held, why (SyncJob/PartnerConfig.holdReason: never guessed from the sentence). */
  status: SettingsStatus;
  pausedReason: string | null;
  pausedAt: string | null;
  holdUntil: string | null;
  /** The partner's hold and the lane's lowered rate, as a sentence ("Rate limited by ... until ..."). */
  rateLimit: string | null;
  updatedAt: string | null;
  /** Non-secret values only; secret keys are always "". */
  values: FormValues;
  secrets: Record<string, SecretState>;
  /** The stored settings could not be read back (e.g. a key that is no longer configured). */
  storedProblem: string | null;
  /** The data of the partner's settings widget (its settingsPage, e.g. Revers.io's SKU mapping); null when it has none. */
  widget: unknown;
}

function valuesFromConfig(fields: readonly FieldSpec[], config: Record<string, unknown>): FormValues {
  const values = defaultValues(fields);
  for (const field of fields) {
    if (field.kind === "secret") continue;
    const value = config[field.key];
    if (field.kind === "checkbox") values[field.key] = value === true;
    else if (typeof value === "string") values[field.key] = value;
  }
  return values;
}

/** What the settings page shows for the shop and partner. */
export interface SettingsStatus {
  label: string;
  tone: "critical" | "warning" | "success" | null;
  /** Held because the partner refused the saved credentials: the page asks for working ones. */
  credentialsRefused: boolean;
}

/** Not set up, held (and why), paused by the merchant, or active. */
export function settingsStatus(row: { enabled: boolean; holdReason: string | null } | null): SettingsStatus {
  if (!row) return { label: "Not set up", tone: null, credentialsRefused: false };
  const hold = holdReasonOf(row.holdReason);
  if (hold === "credentials_refused") return { label: "Paused: credentials", tone: "critical", credentialsRefused: true };
  if (hold === "uninstalled") return { label: "Paused: app uninstalled", tone: "critical", credentialsRefused: false };
  if (!row.enabled) return { label: "Paused", tone: "warning", credentialsRefused: false };
  return { label: "Active", tone: "success", credentialsRefused: false };
}

export async function settingsView(deps: SettingsDeps, shop: string, connector: AnyConnector, query: URLSearchParams = new URLSearchParams()): Promise<SettingsView> {
  const partner = connector.id;
  const row = await deps.db.partnerConfig.findUnique({ where: { shop_partner: { shop, partner } } });
  let stored: StoredPartnerConfig | null = null;
  let storedProblem: string | null = null;
  if (row) {
    try {
      stored = await loadPartnerConfig(deps.db, deps.keyring, shop, connector);
    } catch (error) {
      // Shown as a banner; the log keeps the detail for the operator.
      deps.logger.warn("stored partner settings unreadable", { shop, partner, error: error instanceof Error ? error.message : String(error) });
      storedProblem = `The saved ${connector.displayName} settings can no longer be read. Enter the credentials again and save.`;
    }
  }
  const settings = stored ? (stored.config as Record<string, unknown>) : row ? (JSON.parse(row.settings) as Record<string, unknown>) : {};
  const secrets: Record<string, SecretState> = {};
  for (const key of connector.secretKeys) {
    const isSet = Boolean(stored && typeof (stored.config as Record<string, unknown>)[key] === "string");
    secrets[key] = { set: isSet, changedAt: isSet && row ? formatDateTime(row.secretsUpdatedAt, deps.timeZone) : null };
  }
  return {
    partner,
    name: connector.meta.name,
    purpose: connector.meta.purpose,
    fields: connector.meta.fields,
    configured: Boolean(row),
    enabled: row?.enabled ?? false,
    status: settingsStatus(row),
    pausedReason: row?.pausedReason ?? null,
    pausedAt: row?.pausedAt ? formatDateTime(row.pausedAt, deps.timeZone) : null,
    holdUntil: row?.holdUntil && row.holdUntil > deps.now() ? formatDateTime(row.holdUntil, deps.timeZone) : null,
    rateLimit: row
      ? rateLimitNotice(
          connector.displayName,
          row.holdUntil && row.holdUntil > deps.now() ? row.holdUntil : null,
          (await loweredRates(deps.db, shop, partnerRates(deps.env), deps.now())).get(partner) ?? null,
          deps.timeZone,
        )
      : null,
    updatedAt: row ? formatDateTime(row.updatedAt, deps.timeZone) : null,
    values: valuesFromConfig(connector.meta.fields, settings),
    secrets,
    storedProblem,
    widget: connector.settingsPage ? await connector.settingsPage.load(deps, shop, query) : null,
  };
}

// ---------------------------------------------------------------- actions

export type SettingsActionResult =
  | { intent: "save"; ok: true; message: string }
  | { intent: "test"; ok: true; verify: VerifyResult }
  | { intent: "pause" | "resume"; ok: true; message: string }
  /** A widget's form (its intent is the partner's, e.g. Revers.io's mapping-save). */
  | { intent: string; ok: true; message: string; sku?: string }
  | { intent: string; ok: false; fieldErrors: Record<string, string>; formError?: string };

const UNKNOWN_ACTION = "The form sent an action this page does not know. Reload the page and try again.";
const intentSchema = z.enum(SETTINGS_FORM_INTENTS, { error: UNKNOWN_ACTION });

/** The partner's config input from the form: only the schema's own keys, each by its field kind. */
export function configInputFromForm(fields: readonly FieldSpec[], form: FormData): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const field of fields) {
    const raw = form.get(field.key);
    const text = typeof raw === "string" ? raw : undefined;
    switch (field.kind) {
      case "checkbox":
        input[field.key] = text === "true" || text === "on";
        break;
      case "secret":
        // Empty keeps the stored value (savePartnerConfig); never trimmed away here: the schema trims.
        input[field.key] = text ?? "";
        break;
      case "text":
        input[field.key] = field.optional && (text === undefined || text.trim() === "") ? undefined : (text ?? "");
        break;
      case "select":
        input[field.key] = text === undefined || text === "" ? undefined : text;
        break;
    }
  }
  return input;
}

/** The submitted values with empty secret fields filled from the stored settings (Test connection on stored keys). */
async function withStoredSecrets(deps: SettingsDeps, shop: string, connector: AnyConnector, input: Record<string, unknown>) {
  const missing = connector.secretKeys.filter((key) => input[key] === undefined || input[key] === "");
  if (missing.length === 0) return input;
  const stored = await loadPartnerConfig(deps.db, deps.keyring, shop, connector).catch(() => null);
  if (!stored) return input;
  const merged = { ...input };
  for (const key of missing) merged[key] = (stored.config as Record<string, unknown>)[key];
  return merged;
}

/** Runs one action of the settings form for the shop. Answers field messages for bad input; never throws for it. */
export async function settingsAction(deps: SettingsDeps, shop: string, connector: AnyConnector, form: FormData): Promise<SettingsActionResult> {
  const widgetAction = connector.settingsPage?.actions[String(form.get("intent"))];
  if (widgetAction) return widgetAction(deps, shop, form);
  const parsedIntent = intentSchema.safeParse(form.get("intent"));
  if (!parsedIntent.success) return { intent: "unknown", ok: false, fieldErrors: {}, formError: parsedIntent.error.issues[0]!.message };
  const intent = parsedIntent.data;
  const partner = connector.id;
  const fields = connector.meta.fields;

  switch (intent) {
    case "save": {
      const existing = await deps.db.partnerConfig.findUnique({ where: { shop_partner: { shop, partner } }, select: { enabled: true } });
      // Saving keeps a merchant's pause; a first save switches the partner on.
      const result = await savePartnerConfig(deps.db, deps.keyring, shop, connector, configInputFromForm(fields, form), { enabled: existing?.enabled ?? true });
      if (!result.ok) return { intent, ok: false, fieldErrors: result.fieldErrors, formError: "Some settings need your attention." };
      return { intent, ok: true, message: `${connector.displayName} settings saved.` };
    }
    case "test": {
      const input = await withStoredSecrets(deps, shop, connector, configInputFromForm(fields, form));
      const parsed = connector.configSchema.safeParse(input);
      if (!parsed.success) return { intent, ok: false, fieldErrors: fieldErrors(parsed.error), formError: "Fill in the highlighted fields to test the connection." };
      const config = parsed.data;
      let verify: VerifyResult;
      try {
        verify = await connector.verify(config, { fetch: deps.fetch, now: deps.now, logger: deps.logger, baseUrl: connector.baseUrl(config, deps.env) });
      } catch (error) {
        deps.logger.warn("test connection failed unexpectedly", { shop, partner, error: error instanceof Error ? error.message : String(error) });
        verify = { status: "unreachable", message: `${connector.displayName} could not be reached. Try again in a moment.` };
      }
      return { intent, ok: true, verify };
    }
    case "pause":
    case "resume": {
      const found = await setPartnerEnabled(deps.db, shop, connector, intent === "resume");
      if (!found) return { intent, ok: false, fieldErrors: {}, formError: `${connector.displayName} is not set up yet: save its settings first.` };
      return {
        intent,
        ok: true,
        message: intent === "pause" ? `Syncing to ${connector.displayName} is paused.` : `Syncing to ${connector.displayName} is on again.`,
      };
    }
  }
}
