import { z } from "zod";
import { defaultDatabaseUrl, databaseFlavour } from "./db.url";
import { PARTNER_METAS } from "./connectors/partners";
import { rateVariables, type PartnerMeta } from "./connectors/partner-meta";

// Every environment variable the app reads, in one place (README "Configuration").

/** The access scopes the app uses; keep in step with shopify.app.toml. */
export const DEFAULT_SCOPES = "read_orders,read_products,read_fulfillments";
const url = (name: string) => z.string({ error: `${name} is required` }).url({ error: `${name} must be a URL like http://127.0.0.1:4000` });

const ratePerSec = (name: string, fallback: number) =>
  z.coerce
    .number({ error: `${name} must be a number of requests a second` })
    .min(0.01, { error: `${name} must be at least 0.01` })
    .max(1000, { error: `${name} must be at most 1000` })
    .default(fallback);
/**
 * A variable holding a whole number of `unit` within bounds, `fallback` when unset; every
 * refusal names the variable (`minSays` / `maxSays` replace a bound's plain sentence).
 */
const wholeNumber = (name: string, unit: string, { min, max, fallback, minSays, maxSays }: { min: number; max: number; fallback: number; minSays?: string; maxSays?: string }) =>
  z.coerce
    .number({ error: `${name} must be a whole number of ${unit}` })
    .int({ error: `${name} must be a whole number of ${unit}` })
    .min(min, { error: `${name} must be ${minSays ?? `at least ${min}`}` })
    .max(max, { error: `${name} must be ${maxSays ?? `at most ${max}`}` })
    .default(fallback);
const rateBurst = (name: string, fallback: number) => wholeNumber(name, "requests", { min: 1, max: 100, fallback });

// Each partner's base URL override (its meta.ts urlVariable: REVERB_API_URL, ...): a sandbox or a local stand-in.
const partnerUrlFields = Object.fromEntries(PARTNER_METAS.map((meta) => [meta.urlVariable, url(meta.urlVariable).optional()]));

// Each partner's sending rate per shop: <ID>_RATE_PER_SEC and <ID>_RATE_BURST, defaults
// (and why) in its folder's meta.ts.
const rateFieldsOf = (meta: Pick<PartnerMeta, "id" | "rate">) => {
  const names = rateVariables(meta);
  return { [names.perSec]: ratePerSec(names.perSec, meta.rate.perSec), [names.burst]: rateBurst(names.burst, meta.rate.burst) };
};
const rateFields = Object.assign({}, ...PARTNER_METAS.map(rateFieldsOf)) as Record<string, ReturnType<typeof ratePerSec>>;

// Alerts and retention (app/sync/alerts.server.ts, app/sync/retention.server.ts).
const EMAIL_ADDRESS = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;
const maintenanceFields = {
  // Failed attempts for one partner within an hour that open an incident (banner + email).
  ALERT_FAILURE_THRESHOLD: wholeNumber("ALERT_FAILURE_THRESHOLD", "failed attempts", { min: 1, max: 10_000, fallback: 5 }),
  // Delivery records, attempt logs, cached look-ups and an idle order's personal data are kept this long.
  RETENTION_DAYS: wholeNumber("RETENTION_DAYS", "days", {
    min: 7,
    max: 3650,
    fallback: 90,
    minSays: "at least 7 (Shopify retries a webhook for up to 48 h; the sync log needs a week)",
  }),
  // Alert emails: smtp://user:password@host:587 (STARTTLS when offered) or smtps://...:465. Unset: no email, the banner only.
  SMTP_URL: z
    .string()
    .refine((value) => /^smtps?:\/\/[^/\s]+/.test(value) && URL.canParse(value), { error: "SMTP_URL must be a URL like smtp://user:password@mail.example.com:587 or smtps://...:465" })
    .optional(),
  // The From of alert emails: an address, or "Name <address>".
  ALERT_EMAIL_FROM: z
    .string()
    .refine((value) => EMAIL_ADDRESS.test(value) || /^[^<>]*<[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+>$/.test(value.trim()), {
      error: 'ALERT_EMAIL_FROM must be an email address, or "Partner Sync <alerts@example.com>"',
    })
    .optional(),
};

const envSchema = z
  .object({
    DATABASE_URL: z
      .string()
      .default(defaultDatabaseUrl)
      .superRefine((value, ctx) => {
        try {
          databaseFlavour(value);
        } catch (error) {
          ctx.addIssue({ code: "custom", message: (error as Error).message });
        }
      }),
    // Postgres only: connections one process's Prisma client keeps at most (pg-boss keeps up to 5 more).
    DATABASE_POOL_SIZE: z.coerce
      .number({ error: "DATABASE_POOL_SIZE must be a number of connections" })
      .int()
      .min(1, { error: "DATABASE_POOL_SIZE must be at least 1" })
      .max(100, { error: "DATABASE_POOL_SIZE must be at most 100" })
      .default(10),
    PORT: z.coerce.number({ error: "PORT must be a port number" }).int().min(1).max(65535).default(3000),
    SHOPIFY_API_KEY: z.string({ error: "SHOPIFY_API_KEY is required (the app's client id from the Partner Dashboard)" }).min(1),
    SHOPIFY_API_SECRET: z.string({ error: "SHOPIFY_API_SECRET is required (the app's client secret: webhooks are verified with it)" }).min(1),
    SHOPIFY_APP_URL: url("SHOPIFY_APP_URL"),
    SCOPES: z.string().default(DEFAULT_SCOPES),
    ENCRYPTION_KEY: z.string({ error: "ENCRYPTION_KEY is required: 32 random bytes, base64 (openssl rand -base64 32)" }),
    ENCRYPTION_KEYS_PREVIOUS: z.string().optional(),
    ...partnerUrlFields,
    SHOPIFY_LOCAL_ADMIN_URL: url("SHOPIFY_LOCAL_ADMIN_URL").optional(),
    // Local mode only: the embedded pages load the App Bridge stand-in (app/admin/local-app-bridge.js)
    // instead of Shopify's CDN script, which cannot load here. It mints no tokens: it only relays one it was given.
    SHOPIFY_LOCAL_APP_BRIDGE: z
      .enum(["1", "0", "on", "off", "true", "false"], { error: "SHOPIFY_LOCAL_APP_BRIDGE must be 1 or 0" })
      .optional()
      .transform((value) => value === "1" || value === "on" || value === "true"),
    // Shopify's order bodies are a few KB to a few hundred; Shopify says some reach past a megabyte
    // (many lines, fulfillments, refunds). 8 MiB takes those and still bounds what one request can hold in memory.
    WEBHOOK_MAX_BYTES: z.coerce
      .number({ error: "WEBHOOK_MAX_BYTES must be a number of bytes" })
      .int()
      .min(64 * 1024, { error: "WEBHOOK_MAX_BYTES must be at least 65536" })
      .default(8 * 1024 * 1024),
    ...rateFields,
    WORKER: z.enum(["on", "off"], { error: "WORKER must be on or off" }).default("on"),
    WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(4),
    // Minutes between two reconciliations of a shop (orders Shopify changed that no webhook told us of); 0: on demand only.
    RECONCILE_INTERVAL_MINUTES: wholeNumber("RECONCILE_INTERVAL_MINUTES", "minutes", {
      min: 0,
      max: 10_080,
      fallback: 60,
      minSays: "0 (on demand only) or more",
      maxSays: "at most 10080 (a week)",
    }),
    ...maintenanceFields,
  })
  .superRefine((env, ctx) => {
    if (env.SMTP_URL && !env.ALERT_EMAIL_FROM)
      ctx.addIssue({ code: "custom", message: 'ALERT_EMAIL_FROM is required with SMTP_URL: the address alert emails come from, e.g. "Partner Sync <alerts@example.com>"' });
  });

export type AppEnv = z.infer<typeof envSchema>;

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Reads and checks the environment; throws ConfigError listing every problem at once. */
export function readEnv(source: Record<string, string | undefined> = process.env): AppEnv {
  // Empty strings (VAR= in a .env file) mean "not set".
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `- ${issue.message}`);
    throw new ConfigError(`The app cannot start; fix its environment:\n${[...new Set(lines)].join("\n")}`);
  }
  return parsed.data;
}

export interface MaintenanceSettings {
  alertFailureThreshold: number;
  retentionDays: number;
  /** Null: alert emails are off for the deployment (SMTP_URL unset). */
  smtp: { url: string; from: string } | null;
}

/** Alert and retention settings from the raw environment; like partnerRates, never throws (a value readEnv refuses falls back to its default). */
export function maintenanceSettings(source: Record<string, string | undefined>): MaintenanceSettings {
  const read = <K extends keyof typeof maintenanceFields>(key: K): z.output<(typeof maintenanceFields)[K]> | undefined => {
    const raw = source[key];
    const parsed = maintenanceFields[key].safeParse(raw === "" ? undefined : raw);
    return (parsed.success ? parsed.data : maintenanceFields[key].safeParse(undefined).data) as z.output<(typeof maintenanceFields)[K]> | undefined;
  };
  const url = read("SMTP_URL");
  const from = read("ALERT_EMAIL_FROM");
  return {
    alertFailureThreshold: read("ALERT_FAILURE_THRESHOLD") ?? 5,
    retentionDays: read("RETENTION_DAYS") ?? 90,
    smtp: url && from ? { url, from } : null,
  };
}

export interface PartnerRate {
  perSec: number;
  burst: number;
}

/**
 * A partner's configured rate, read from the variables readEnv checks (the worker keeps
 * the raw environment, so this reads only these and never throws: a value readEnv
 * would refuse falls back to the default). Works for any registered partner's meta.
 */
export function partnerRate(source: Record<string, string | undefined>, meta: Pick<PartnerMeta, "id" | "rate">): PartnerRate {
  // The same fields readEnv checks (rateFieldsOf), read leniently.
  const fields = rateFieldsOf(meta);
  const read = (name: string) => {
    const raw = source[name];
    const parsed = fields[name]!.safeParse(raw === "" ? undefined : raw);
    return parsed.success ? parsed.data : fields[name]!.parse(undefined);
  };
  const names = rateVariables(meta);
  return { perSec: read(names.perSec), burst: read(names.burst) };
}

/** Every shipped partner's configured rate, by id. */
export function partnerRates(source: Record<string, string | undefined>): Record<string, PartnerRate> {
  return Object.fromEntries(PARTNER_METAS.map((meta) => [meta.id, partnerRate(source, meta)]));
}
