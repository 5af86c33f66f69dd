// Structured logs, one JSON object per line. Secrets never reach this logger:
// fields whose names look secret are replaced as a last line of defence.
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const SECRET_FIELD = /secret|password|token|apikey|api_key|authorization|subscriptionkey|consumerkey/i;

export function redactFields(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) out[key] = SECRET_FIELD.test(key) ? "[redacted]" : value;
  return out;
}

export function createLogger(write: (line: string) => void = (line) => process.stdout.write(line + "\n"), base: Record<string, unknown> = {}): Logger {
  const emit = (level: string, message: string, fields: Record<string, unknown> = {}) =>
    write(JSON.stringify({ time: new Date().toISOString(), level, message, ...redactFields({ ...base, ...fields }) }));
  return {
    info: (message, fields) => emit("info", message, fields),
    warn: (message, fields) => emit("warn", message, fields),
    error: (message, fields) => emit("error", message, fields),
  };
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
