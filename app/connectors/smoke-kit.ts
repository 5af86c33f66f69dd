// What every partner's partner:smoke round trip (app/connectors/<partner>/smoke.ts) is
// made of: the calls recorded on the way through the connector's own client, the
// findings a step marks (✓ as the app assumes, ~ otherwise and the app copes, ✗ the
// app cannot use it), and the test data. app/cli/partner-smoke.ts runs a partner's
// round trip and prints it.
import type { ClientDeps } from "./types";

/** A partner's round trip for partner:smoke: the smallest real one its API allows, with the shop's stored settings. */
export interface PartnerSmoke<Config = unknown> {
  /** How to point the app at the partner's test environment, given its URL variable. */
  sandboxHint(variable: string): string;
  /** What running it against production does (printed with the --production warning). */
  productionNote: string;
  /** The test order's reference or number for this run. */
  orderName(stamp: string): string;
  /** The steps, each recorded in `run`; `production` when the operator allowed the production API. */
  roundTrip(run: SmokeRun, deps: ClientDeps, config: Config, stamp: string, production: boolean): Promise<void>;
}

export const SMOKE_EMAIL = "partner-sync-smoke@example.com";
export const SMOKE_TITLE = "Partner Sync smoke test (not a real order)";
export const SMOKE_SKU = "PARTNER-SYNC-SMOKE";

// ---- What the partner answered, as recorded on the way through the client's fetch.

export interface Exchange {
  method: string;
  /** Below the base URL, without the query string (it can carry a secret: Revers.io's ?secret=). */
  path: string;
  status: number;
  /** Parsed JSON, the raw text when it is not JSON, null when empty. */
  body: unknown;
  /** Revers.io's token call: whether the secret went as a query parameter (never its value). */
  secretInQuery: boolean;
}

export function recordingFetch(fetch: typeof globalThis.fetch, baseUrl: string): { fetch: typeof globalThis.fetch; exchanges: Exchange[] } {
  const exchanges: Exchange[] = [];
  const basePath = new URL(baseUrl).pathname.replace(/\/+$/, "");
  const recorded: typeof globalThis.fetch = async (input, init) => {
    const response = await fetch(input, init);
    const url = new URL(input instanceof Request ? input.url : String(input));
    const text = await response.clone().text();
    let body: unknown = null;
    if (text.trim() !== "") {
      try {
        body = JSON.parse(text);
      } catch {
        body = text.slice(0, 200);
      }
    }
    const path = url.pathname.startsWith(basePath) ? url.pathname.slice(basePath.length) || "/" : url.pathname;
    exchanges.push({ method: (init?.method ?? "GET").toUpperCase(), path, status: response.status, body, secretInQuery: url.searchParams.has("secret") });
    return response;
  };
  return { fetch: recorded, exchanges };
}

// ---- Checks and their report.

/** ✓ as assumed; ~ otherwise, and the app copes; ✗ the app cannot use it; · a note. */
type Mark = "✓" | "~" | "✗" | "·";
interface Line {
  mark: Mark;
  text: string;
}

/** A step's findings: ✓ as the app assumes, ~ otherwise but the app copes, ✗ the app cannot use it. */
export class Findings {
  readonly lines: Line[] = [];
  add(mark: Mark, text: string) {
    this.lines.push({ mark, text });
  }
  get failed() {
    return this.lines.some((l) => l.mark === "✗");
  }
}

export function kind(value: unknown): string {
  if (value === undefined) return "absent";
  if (value === null) return "null";
  if (Array.isArray(value)) return value.length === 1 ? "one-element array" : `array of ${value.length}`;
  return typeof value;
}

/** `field: <kind> ✓` when the kind is the one assumed; ~ for a kind the app also reads; ✗ for any other when `needed`. */
export function expectKind(f: Findings, label: string, value: unknown, assumed: string, options: { alsoRead?: string[]; needed?: boolean } = {}) {
  const actual = kind(value);
  if (actual === assumed) return f.add("✓", `${label}: ${actual} ✓`);
  const tolerated = options.alsoRead?.includes(actual) || !options.needed;
  f.add(tolerated ? "~" : "✗", `${label}: ${actual} ${tolerated ? "~" : "✗"} (assumed ${assumed}${options.alsoRead?.includes(actual) ? "; the app reads this too" : ""})`);
}

/** `field: <value> ✓ (as sent)` when the partner gives back what we sent (or `source`: where the expected value came from). */
export function expectValue(f: Findings, label: string, value: unknown, expected: unknown, needed = false, source = "sent") {
  if (value === expected) return f.add("✓", `${label}: ${JSON.stringify(value)} ✓ (as ${source})`);
  if (value !== undefined && value !== null && String(value) === String(expected))
    return f.add("~", `${label}: ${JSON.stringify(value)} ~ (${source} ${JSON.stringify(expected)}; same value, another type)`);
  f.add(needed ? "✗" : "~", `${label}: ${value === undefined ? "absent" : JSON.stringify(value)} ${needed ? "✗" : "~"} (${source} ${JSON.stringify(expected)})`);
}

/** `obj.a.b` without throwing on the way. */
export function at(value: unknown, ...path: (string | number)[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

export const single = (value: unknown) => (Array.isArray(value) && value.length === 1 ? value[0] : value);

interface Step {
  title: string;
  exchanges: Exchange[];
  findings: Findings;
}

export class SmokeRun {
  readonly steps: Step[] = [];
  constructor(private readonly recorder: { exchanges: Exchange[] }) {}

  /** Runs one step: the calls it makes are recorded; a throw is the step's ✗ (later steps that need it do not run). */
  async step<T>(title: string, call: (f: Findings) => Promise<T>): Promise<T | undefined> {
    const findings = new Findings();
    const first = this.recorder.exchanges.length;
    let result: T | undefined;
    try {
      result = await call(findings);
    } catch (error) {
      findings.add("✗", `the app's client failed: ${error instanceof Error ? error.message : String(error)}`);
      result = undefined;
    }
    this.steps.push({ title, exchanges: this.recorder.exchanges.slice(first), findings });
    return findings.failed ? undefined : result;
  }

  skipped(title: string, why: string) {
    const findings = new Findings();
    findings.add("·", `not run: ${why}`);
    this.steps.push({ title, exchanges: [], findings });
  }

  /** The latest call of this method whose path starts so. */
  last(method: string, pathStart: string): Exchange | undefined {
    return [...this.recorder.exchanges].reverse().find((e) => e.method === method && e.path.startsWith(pathStart));
  }

  /** Every call of this method to exactly this path. */
  calls(method: string, path: string): Exchange[] {
    return this.recorder.exchanges.filter((e) => e.method === method && e.path === path);
  }
}
