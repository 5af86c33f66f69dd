// Structured logs, one JSON object per line. Secrets never reach this logger:
// fields whose names look secret, or name a partner's secret setting (its
// meta.ts fields of kind "secret"), are replaced as a last line of defence.
import { isPartnerSecretKey } from "./connectors/partners";

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Names that are secrets whatever the partner; each partner's own secret keys come from the registry. */
const SECRET_FIELD = /secret|password|token|apikey|api_key|authorization/i;

const isSecretField = (key: string) => SECRET_FIELD.test(key) || isPartnerSecretKey(key);

/**
 * A credential carried in a URL's query (Revers.io's `GET /token?secret=`,
 * docs/partners/reversio.md "Auth"): the parameter's value, up to the next `&`,
 * `#`, quote or space. Matched by the parameter's name, wherever the URL sits in a text.
 */
const SECRET_QUERY_PARAM = /([?&](?:[\w.-]*(?:secret|password|passwd|token|api_?key|apikey|signature)[\w.-]*)=)[^&#\s"'<>]*/gi;

/** The text with the value of every secret-named query parameter replaced by `[redacted]`. */
export function redactSecretQueryParams(text: string): string {
  return text.replace(SECRET_QUERY_PARAM, "$1[redacted]");
}

export function redactFields(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) out[key] = isSecretField(key) ? "[redacted]" : typeof value === "string" ? redactSecretQueryParams(value) : value;
  return out;
}

export function createLogger(write: (line: string) => void = (line) => process.stdout.write(line + "\n"), base: Record<string, unknown> = {}): Logger {
  const emit = (level: string, message: string, fields: Record<string, unknown> = {}) =>
    write(JSON.stringify({ time: new Date().toISOString(), level, message: redactSecretQueryParams(message), ...redactFields({ ...base, ...fields }) }));
  return {
    info: (message, fields) => emit("info", message, fields),
    warn: (message, fields) => emit("warn", message, fields),
    error: (message, fields) => emit("error", message, fields),
  };
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
