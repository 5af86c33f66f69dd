import type { ClientDeps } from "./types";
import { partnerErrorFromResponse, partnerMalformed, partnerUnreachable } from "./errors";
import { policy } from "~/sync/retry-policy";

export interface JsonRequest {
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** Path below the base URL, with its query string. */
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
  timeoutMs?: number;
}

export interface JsonResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON body, or null for an empty body. */
  body: unknown;
}

/**
 * One JSON call to a partner. Answers 2xx with the parsed body; any other answer
 * becomes a classified PartnerError whose message is the partner's own
 * (extracted by `errorMessage`). Headers (credentials) never reach an error text.
 */
export async function requestJson(deps: ClientDeps, partnerName: string, req: JsonRequest, errorMessage: (body: unknown, raw: string) => string = defaultErrorMessage): Promise<JsonResponse> {
  const url = deps.baseUrl.replace(/\/+$/, "") + req.path;
  const timeoutMs = req.timeoutMs ?? policy.requestTimeoutMs;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  let response: Response;
  let raw: string;
  try {
    response = await deps.fetch(url, {
      method: req.method,
      headers: { accept: "application/json", ...(req.body !== undefined ? { "content-type": "application/json" } : {}), ...req.headers },
      body: req.body !== undefined ? JSON.stringify(req.body) : undefined,
      signal: controller.signal,
    });
    raw = await response.text();
  } catch (cause) {
    throw partnerUnreachable(partnerName, cause, controller.signal.aborted);
  } finally {
    clearTimeout(timer);
  }
  let body: unknown = null;
  if (raw.trim() !== "") {
    try {
      body = JSON.parse(raw);
    } catch {
      if (response.ok) throw partnerMalformed(partnerName, response.status, raw.slice(0, 200));
      body = null;
    }
  }
  if (!response.ok) {
    throw partnerErrorFromResponse(partnerName, response.status, response.headers, errorMessage(body, raw), deps.now());
  }
  deps.logger.info("partner call", { partner: partnerName, method: req.method, path: req.path.split("?")[0], status: response.status });
  return { status: response.status, headers: response.headers, body };
}

/** Finds a human message in the usual error shapes: {message}, {error}, {errors:[{message}]}, {response:{message}}. */
export function defaultErrorMessage(body: unknown, raw: string): string {
  const texts: string[] = [];
  const visit = (value: unknown, depth: number) => {
    if (depth > 3 || value === null || value === undefined) return;
    if (typeof value === "string") return void texts.push(value);
    if (Array.isArray(value)) return value.forEach((v) => visit(v, depth + 1));
    if (typeof value === "object") {
      const obj = value as Record<string, unknown>;
      for (const key of ["message", "error", "errors", "detail", "title", "response"]) {
        if (key in obj) visit(obj[key], depth + 1);
      }
    }
  };
  visit(body, 0);
  const unique = [...new Set(texts.filter((t) => t.trim() !== ""))];
  return unique.length > 0 ? unique.join("; ") : raw.slice(0, 300);
}
