// The common shell of every local stand-in: a real HTTP server on a free
// loopback port, JSON in and out, a request log, and fault knobs (latency, rate
// limit, a share of 5xx, malformed JSON, hangs) that tests and the demo turn.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface Knobs {
  /** Added before every answer. */
  latencyMs: number;
  /** At most `limit` requests per `windowMs`; beyond that 429 with Retry-After `retryAfterSec`. */
  rateLimit: { limit: number; windowMs: number; retryAfterSec: number } | null;
  /** Share (0..1) of requests answered 500. */
  failureRate: number;
  /** Share (0..1) of requests answered 200 with a body that is not JSON. */
  malformedRate: number;
  /** Share (0..1) of requests that get no answer until the client gives up. */
  hangRate: number;
  /** The next N requests are answered with this status (then the knob clears itself). */
  failNext: { count: number; status: number; body?: unknown; headers?: Record<string, string> } | null;
}

export const calmKnobs = (): Knobs => ({ latencyMs: 0, rateLimit: null, failureRate: 0, malformedRate: 0, hangRate: 0, failNext: null });

export interface SimRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  /** Parsed JSON body; undefined when empty; the raw text when it is not JSON. */
  body: unknown;
  rawBody: string;
}

export interface SimAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type SimHandler = (req: SimRequest) => SimAnswer | Promise<SimAnswer>;

export interface LoggedRequest {
  at: number;
  method: string;
  path: string;
  status: number;
  body: unknown;
}

export interface SimServer {
  url: string;
  knobs: Knobs;
  /** Every request received, with the status answered (in arrival order). */
  log: LoggedRequest[];
  close(): Promise<void>;
}

export async function startSimServer(handler: SimHandler, options: { port?: number; knobs?: Partial<Knobs>; random?: () => number; now?: () => number } = {}): Promise<SimServer> {
  const knobs: Knobs = { ...calmKnobs(), ...options.knobs };
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const log: LoggedRequest[] = [];
  let windowStart = now();
  let windowCount = 0;
  const hanging = new Set<ServerResponse>();

  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", "http://sim");
    let body: unknown = undefined;
    if (rawBody !== "") {
      try {
        body = JSON.parse(rawBody);
      } catch {
        body = rawBody;
      }
    }
    const entry: LoggedRequest = { at: now(), method: req.method ?? "GET", path: url.pathname, status: 0, body };
    log.push(entry);
    const send = (answer: SimAnswer, raw?: string) => {
      entry.status = answer.status;
      const text = raw ?? (answer.body === undefined ? "" : JSON.stringify(answer.body));
      res.writeHead(answer.status, { "content-type": "application/json", ...answer.headers });
      res.end(text);
    };

    if (knobs.latencyMs > 0) await new Promise((r) => setTimeout(r, knobs.latencyMs));
    if (knobs.rateLimit) {
      if (now() - windowStart >= knobs.rateLimit.windowMs) {
        windowStart = now();
        windowCount = 0;
      }
      windowCount += 1;
      if (windowCount > knobs.rateLimit.limit) {
        return send({ status: 429, body: { message: "Too many requests" }, headers: { "retry-after": String(knobs.rateLimit.retryAfterSec) } });
      }
    }
    if (knobs.failNext && knobs.failNext.count > 0) {
      const { status, body: failBody, headers } = knobs.failNext;
      knobs.failNext.count -= 1;
      if (knobs.failNext.count === 0) knobs.failNext = null;
      return send({ status, body: failBody ?? { message: `Simulated ${status}` }, headers });
    }
    if (knobs.hangRate > 0 && random() < knobs.hangRate) {
      entry.status = -1;
      hanging.add(res);
      res.on("close", () => hanging.delete(res));
      return;
    }
    if (knobs.failureRate > 0 && random() < knobs.failureRate) return send({ status: 500, body: { message: "Simulated server error" } });
    if (knobs.malformedRate > 0 && random() < knobs.malformedRate) return send({ status: 200 }, "{not json");

    try {
      send(await handler({ method: entry.method, path: url.pathname, query: url.searchParams, headers: req.headers, body, rawBody }));
    } catch (error) {
      send({ status: 500, body: { message: error instanceof Error ? error.message : String(error) } });
    }
  });

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    knobs,
    log,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Reads Basic credentials from an Authorization header. */
export function basicAuth(header: string | undefined): { user: string; password: string } | null {
  if (!header?.startsWith("Basic ")) return null;
  const decoded = Buffer.from(header.slice(6), "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return null;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
