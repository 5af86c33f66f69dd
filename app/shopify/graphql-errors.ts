// The one reader of an Admin GraphQL answer's `errors` array. A 200 answer may
// carry errors instead of (or beside) its data; graphqlFromAdmin
// (./admin-graphql.server.ts) hands those back as the body Shopify sent, and every
// caller reads them here: whether Shopify throttled the query (THROTTLED, with the
// wait its cost bucket needs), and the messages in plain words.
import { z } from "zod";
import { ShopifyError, trimMessage } from "~/connectors/errors";

// Each part read on its own, so that an answer whose cost extension is not as
// expected still has its data and errors read.
const errorsSchema = z.array(z.object({ message: z.string().optional(), extensions: z.object({ code: z.string().optional() }).passthrough().optional() }));
const dataSchema = z.record(z.string(), z.unknown());
const costSchema = z.object({
  requestedQueryCost: z.number(),
  throttleStatus: z.object({ currentlyAvailable: z.number(), restoreRate: z.number() }),
});

function part(body: unknown, key: string): unknown {
  return body !== null && typeof body === "object" ? (body as Record<string, unknown>)[key] : undefined;
}

export interface GraphqlErrors {
  /** Shopify's messages (a code when an error has none), each once, joined and trimmed. */
  message: string;
  /** THROTTLED: the query's cost bucket was empty. */
  throttled: boolean;
  /** When throttled, how long the bucket needs to hold the query's cost again; null when the answer does not say. */
  waitMs: number | null;
}

/** The answer's errors, or null when it carries none (or is not a GraphQL answer at all). */
export function readGraphqlErrors(body: unknown): GraphqlErrors | null {
  const raw = part(body, "errors");
  if (raw === undefined || raw === null) return null;
  // An errors field we cannot read is still an answer with errors: never take its data.
  const parsed = errorsSchema.safeParse(raw);
  const errors = parsed.success ? parsed.data : [{ message: "an error list we could not read" }];
  if (errors.length === 0) return null;
  const throttled = errors.some((error) => error.extensions?.code === "THROTTLED");
  const message = trimMessage([...new Set(errors.map((error) => error.message ?? error.extensions?.code ?? "unnamed error"))].join("; "));
  return { message, throttled, waitMs: throttled ? throttleWaitMs(body) : null };
}

/** Time for the leaky bucket to hold the query's cost again (shopify.dev, GraphQL Admin API rate limits). */
function throttleWaitMs(body: unknown): number | null {
  const cost = costSchema.safeParse(part(part(body, "extensions"), "cost"));
  if (!cost.success || cost.data.requestedQueryCost <= 0 || cost.data.throttleStatus.restoreRate <= 0) return null;
  const { requestedQueryCost, throttleStatus } = cost.data;
  const shortfall = Math.max(0, requestedQueryCost - throttleStatus.currentlyAvailable);
  return Math.max(1_000, Math.ceil((shortfall / throttleStatus.restoreRate) * 1_000));
}

/**
 * The answer's `data`, or ShopifyError with Shopify's messages when it carries
 * errors or no data: rate_limited when throttled (with the wait when known),
 * else retryable.
 */
export function graphqlData(body: unknown): Record<string, unknown> {
  const errors = readGraphqlErrors(body);
  const data = dataSchema.safeParse(part(body, "data"));
  if (!errors && data.success) return data.data;
  throw new ShopifyError(`Shopify answered: ${errors?.message ?? "no data"}`, errors?.throttled ? "rate_limited" : "retryable", 200, errors?.waitMs ?? undefined);
}
