// The one way app code calls the Admin GraphQL API outside a request: the shop's
// offline-session client from `shopify.unauthenticated.admin(shop)`
// (@shopify/shopify-app-remix v6), adapted to a plain function so that lookups
// stay testable with any stand-in and never see the library's error classes.
//
// How that client behaves (read in node_modules, shopify-app-remix 6.0.1 /
// shopify-api 15.0.0): `admin.graphql(query, {variables, signal, tries})` builds a
// new shopify-api GraphqlClient per call, sends one POST (no retry unless `tries`
// is given) and answers `new Response(JSON.stringify({data, extensions, headers}))`.
// It never answers an error body: GraphQL errors throw GraphqlQueryError (the
// whole answer in `.body`, Shopify's errors in `.body.errors.graphQLErrors`),
// HTTP errors throw HttpResponseError / HttpThrottlingError (`.response.code`,
// `.response.headers`, `.response.retryAfter` in seconds), and no answer throws
// HttpRequestError.
import { ShopifyError, trimMessage } from "~/connectors/errors";
import { classifyFailure, policy } from "~/sync/retry-policy";

/** One Admin GraphQL call: answers the parsed response body ({data, errors, extensions}) or throws ShopifyError. */
export type ShopifyGraphql = (query: string, variables: Record<string, unknown>) => Promise<unknown>;

/** The part of shopify-app-remix's AdminApiContext this adapter uses. */
export interface AdminGraphqlClient {
  graphql(query: string, options?: { variables?: Record<string, unknown>; signal?: AbortSignal }): Promise<Response>;
}

export function graphqlFromAdmin(admin: AdminGraphqlClient, { timeoutMs = policy.requestTimeoutMs, now = () => new Date() }: { timeoutMs?: number; now?: () => Date } = {}): ShopifyGraphql {
  return async (query, variables) => {
    const signal = AbortSignal.timeout(timeoutMs);
    let response: Response;
    try {
      response = await admin.graphql(query, { variables, signal });
    } catch (error) {
      // GraphQL errors are an answer, not a transport failure: hand them back as
      // the body Shopify sent, so callers read THROTTLED and messages in one place (./graphql-errors.ts).
      const answered = graphqlErrorAnswer(error);
      if (answered) return answered;
      throw transportFailure(error, signal.aborted ? timeoutMs : null, now());
    }
    const text = await response.text();
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new ShopifyError(`Shopify sent an answer we could not read: ${trimMessage(text.slice(0, 200))}`, "retryable", response.status);
    }
  };
}

function graphqlErrorAnswer(error: unknown): { data: unknown; errors: unknown[]; extensions: unknown } | null {
  const body = field(error, "body");
  const graphQLErrors = field(field(body, "errors"), "graphQLErrors");
  if (!Array.isArray(graphQLErrors)) return null;
  return { data: field(body, "data") ?? null, errors: graphQLErrors, extensions: field(body, "extensions") };
}

function transportFailure(error: unknown, timedOutAfterMs: number | null, now: Date): ShopifyError {
  // The request-bound client of `authenticate.admin` (shopify-app-remix 6,
  // handle-client-error.ts) throws a minimal copy of Shopify's answer as a
  // Response instead of HttpResponseError.
  if (error instanceof Response) {
    const failure = classifyFailure(error.status, error.headers, now);
    const refused = error.status === 401 || error.status === 403 ? " (the shop's access token was refused)" : "";
    return new ShopifyError(`Shopify answered HTTP ${error.status}${refused}`, failure.class, error.status, failure.retryAfterMs);
  }
  const response = field(error, "response");
  const status = field(response, "code");
  if (typeof status !== "number") {
    const reason = timedOutAfterMs !== null ? `did not answer within ${timedOutAfterMs} ms` : `could not be reached (${error instanceof Error ? trimMessage(error.message) : String(error)})`;
    return new ShopifyError(`Shopify ${reason}`, "retryable", null);
  }
  const headers = toHeaders(field(response, "headers"));
  const retryAfterSeconds = field(response, "retryAfter");
  if (typeof retryAfterSeconds === "number" && !headers.has("retry-after")) headers.set("retry-after", String(retryAfterSeconds));
  const failure = classifyFailure(status, headers, now);
  const statusText = field(response, "statusText");
  const refused = status === 401 || status === 403 ? " (the shop's access token was refused)" : "";
  const message = `Shopify answered HTTP ${status}${typeof statusText === "string" && statusText ? ` ${statusText}` : ""}${refused}`;
  return new ShopifyError(message, failure.class, status, failure.retryAfterMs);
}

/** shopify-api hands response headers over as a record of string lists. */
function toHeaders(record: unknown): Headers {
  const headers = new Headers();
  if (record && typeof record === "object") {
    for (const [name, value] of Object.entries(record)) {
      headers.set(name, Array.isArray(value) ? value.join(", ") : String(value));
    }
  }
  return headers;
}

// The library's errors are read by shape, not instanceof: a bundler may load
// shopify-api twice (ESM and CJS builds), and instanceof would then miss.
function field(value: unknown, key: string): unknown {
  return value !== null && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined;
}
