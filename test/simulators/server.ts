// The common shell of every local stand-in: a real HTTP server on a free
// loopback port, JSON in and out, a request log, and fault knobs (latency, rate
// limit, a share of 5xx, 429s, malformed JSON, hangs, dropped connections) that
// tests and the demo turn. Given a key function (whose account a request is for),
// it also counts, per key, the most requests in flight at once and the most in
// any time window: what a partner sees of a client's concurrency and rate.
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
  /** Share (0..1) of requests whose connection is destroyed without an answer (before the request is handled). */
  dropRate: number;
  /** A share (0..1) of requests answered 429 with a Retry-After drawn from [min, max] whole seconds. */
  throttle: { share: number; retryAfterSec: [number, number] } | null;
  /** The next N requests are answered with this status (then the knob clears itself). */
  failNext: { count: number; status: number; body?: unknown; headers?: Record<string, string> } | null;
}

export const calmKnobs = (): Knobs => ({ latencyMs: 0, rateLimit: null, failureRate: 0, malformedRate: 0, hangRate: 0, dropRate: 0, throttle: null, failNext: null });

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
  /** Sent as is instead of the JSON of `body` (an answer that is not JSON). */
  raw?: string;
}

export type SimHandler = (req: SimRequest) => SimAnswer | Promise<SimAnswer>;

export interface LoggedRequest {
  at: number;
  /** Whose account the request is for (the server's keyOf), when it can tell. */
  key?: string;
  method: string;
  path: string;
  status: number;
  body: unknown;
  /** The client had gone (its connection closed) before the answer was written: it never learned the outcome. */
  clientGone?: true;
}

/** The head of a request, as it arrives (before its body is read). */
export interface SimRequestHead {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
}

export interface KeyStats {
  requests: number;
  /** The most requests of this key in flight at once (arrival to answer sent or connection closed). */
  maxConcurrent: number;
  /** The most requests of this key that arrived within any window of the asked length. */
  maxInWindow: number;
}

export interface SimServer {
  url: string;
  knobs: Knobs;
  /** Every request received, with the status answered (in arrival order); -1 for no answer (hung), -2 for a dropped connection. */
  log: LoggedRequest[];
  /** Per key (see the keyOf option): requests, most at once, most within any `windowMs` (default 1 s). */
  keyStats(windowMs?: number): Map<string, KeyStats>;
  close(): Promise<void>;
}

export interface SimServerOptions {
  port?: number;
  knobs?: Partial<Knobs>;
  random?: () => number;
  now?: () => number;
  /** Whose account a request is for (a merchant's key or client id), null when it names none. */
  keyOf?: (head: SimRequestHead) => string | null;
}

export async function startSimServer(handler: SimHandler, options: SimServerOptions = {}): Promise<SimServer> {
  const knobs: Knobs = { ...calmKnobs(), ...options.knobs };
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const log: LoggedRequest[] = [];
  // A partner's window opens with the request that finds the last one over (tests count windows
  // the same way), not when this server started.
  let windowStart = Number.NEGATIVE_INFINITY;
  let windowCount = 0;
  const hanging = new Set<ServerResponse>();
  const perKey = new Map<string, { inFlight: number; maxConcurrent: number; arrivals: number[] }>();

  const server = createServer(async (req, res) => {
    const head = new URL(req.url ?? "/", "http://sim");
    const key = options.keyOf?.({ method: req.method ?? "GET", path: head.pathname, query: head.searchParams, headers: req.headers }) ?? null;
    if (key !== null) {
      let stats = perKey.get(key);
      if (!stats) perKey.set(key, (stats = { inFlight: 0, maxConcurrent: 0, arrivals: [] }));
      const counted = stats;
      counted.inFlight += 1;
      counted.maxConcurrent = Math.max(counted.maxConcurrent, counted.inFlight);
      counted.arrivals.push(now());
      // "close" comes once, whether the answer was sent or the connection went away first.
      res.once("close", () => (counted.inFlight -= 1));
    }
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
    const entry: LoggedRequest = { at: now(), ...(key !== null ? { key } : {}), method: req.method ?? "GET", path: url.pathname, status: 0, body };
    log.push(entry);
    const send = (answer: SimAnswer, raw?: string) => {
      entry.status = answer.status;
      if (res.destroyed || req.socket.destroyed) entry.clientGone = true;
      const text = raw ?? answer.raw ?? (answer.body === undefined ? "" : JSON.stringify(answer.body));
      res.writeHead(answer.status, { "content-type": "application/json", ...answer.headers });
      res.end(text);
    };

    if (knobs.latencyMs > 0) await new Promise((r) => setTimeout(r, knobs.latencyMs));
    if (knobs.rateLimit) {
      if (entry.at - windowStart >= knobs.rateLimit.windowMs) {
        windowStart = entry.at;
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
    if (knobs.throttle && random() < knobs.throttle.share) {
      const [min, max] = knobs.throttle.retryAfterSec;
      const wait = min + Math.floor(random() * (max - min + 1));
      return send({ status: 429, body: { message: "Too many requests" }, headers: { "retry-after": String(wait) } });
    }
    if (knobs.dropRate > 0 && random() < knobs.dropRate) {
      entry.status = -2;
      req.socket.destroy();
      return;
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
    keyStats(windowMs = 1000) {
      const result = new Map<string, KeyStats>();
      for (const [key, stats] of perKey) {
        // Arrivals are in time order: the widest run that fits in a window, by two pointers.
        let maxInWindow = 0;
        for (let first = 0, last = 0; last < stats.arrivals.length; last++) {
          while (stats.arrivals[last]! - stats.arrivals[first]! >= windowMs) first++;
          maxInWindow = Math.max(maxInWindow, last - first + 1);
        }
        result.set(key, { requests: stats.arrivals.length, maxConcurrent: stats.maxConcurrent, maxInWindow });
      }
      return result;
    },
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
