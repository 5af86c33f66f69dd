// HTTP only: the TestFreaks Orders API (docs/partners/testfreaks.md).
// Built per call site from injected deps; retries belong to the worker.
import type { z } from "zod";
import type { ClientDeps } from "../types";
import { PartnerError, partnerErrorFromResponse, partnerMalformed } from "../errors";
import { requestJson, type JsonRequest, type JsonResponse } from "../http";
import { testfreaksOrderListResponseSchema, testfreaksOrderResponseSchema, type TestfreaksConfig, type TestfreaksOrderRecord, type TestfreaksOrderRequest } from "./schema";
import { describeErrors, envelopeErrors, TESTFREAKS, testfreaksErrorText } from "./envelope";

export interface ListOrdersQuery {
  /** Orders per page: the API's default is 100, its maximum 1000. */
  limit?: number;
  /** YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ. */
  createdAfter?: string;
  customerId?: string;
  customerEmail?: string;
  /** The cursor from a previous page's `nextAfter`. */
  after?: string;
}

export interface OrderPage {
  orders: TestfreaksOrderRecord[];
  /** The `after` cursor of `links.next`; null on the last page. */
  nextAfter: string | null;
}

export interface TestfreaksClient {
  /** `POST /orders`: creates or updates by `order.id` (adds or updates items, never deletes them). */
  upsertOrder(request: TestfreaksOrderRequest): Promise<{ httpStatus: number; order: TestfreaksOrderRecord | null }>;
  /** `GET /orders/{id}`; null when TestFreaks does not know the order. */
  getOrder(orderId: string): Promise<TestfreaksOrderRecord | null>;
  listOrders(query?: ListOrdersQuery): Promise<OrderPage>;
}

export function createTestfreaksClient(deps: ClientDeps, config: Pick<TestfreaksConfig, "apiKey" | "clientId">): TestfreaksClient {
  // The docs' example is `curl -u "sk_token:"`: the key is the Basic user, the password is empty.
  const authorization = "Basic " + Buffer.from(`${config.apiKey}:`, "utf8").toString("base64");
  const clientQuery = `client_id=${encodeURIComponent(config.clientId)}`;

  // The partner's own text goes into errors; should it ever echo the key, it is cut out here.
  const redact = (text: string) => (config.apiKey ? text.split(config.apiKey).join("[redacted]") : text);

  async function call(req: Omit<JsonRequest, "headers">): Promise<JsonResponse> {
    try {
      return await requestJson(deps, TESTFREAKS, { ...req, headers: { authorization } }, (body, raw) => redact(testfreaksErrorText(body, raw)));
    } catch (error) {
      if (error instanceof PartnerError && error.message.includes(config.apiKey)) {
        throw new PartnerError(redact(error.message), error.failureClass, error.httpStatus, error.retryAfterMs, error.uncertain);
      }
      throw error;
    }
  }

  /** A 2xx whose body carries `errors` did not apply: permanent, with the partner's words. */
  function rejectEnvelopeErrors(response: JsonResponse): void {
    const errors = envelopeErrors(response.body);
    if (errors) {
      throw partnerErrorFromResponse(TESTFREAKS, response.status, response.headers, redact(describeErrors(errors)), deps.now(), true);
    }
  }

  function parse<T>(schema: z.ZodType<T>, response: JsonResponse): T {
    rejectEnvelopeErrors(response);
    const parsed = schema.safeParse(response.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw partnerMalformed(TESTFREAKS, response.status, issue ? `${issue.path.join(".") || "body"}: ${issue.message}` : "unexpected body");
    }
    return parsed.data;
  }

  return {
    async upsertOrder(request) {
      const response = await call({ method: "POST", path: `/orders?${clientQuery}`, body: request });
      const parsed = parse(testfreaksOrderResponseSchema, response);
      return { httpStatus: response.status, order: firstOrder(parsed.data) };
    },

    async getOrder(orderId) {
      try {
        // Order names start with "#": unencoded, the id would become a URL fragment.
        const response = await call({ method: "GET", path: `/orders/${encodeURIComponent(orderId)}?${clientQuery}` });
        return firstOrder(parse(testfreaksOrderResponseSchema, response).data);
      } catch (error) {
        if (error instanceof PartnerError && error.httpStatus === 404) return null;
        throw error;
      }
    },

    async listOrders(query = {}) {
      const params = new URLSearchParams({ client_id: config.clientId });
      if (query.limit !== undefined) params.set("limit", String(query.limit));
      if (query.createdAfter) params.set("created_after", query.createdAfter);
      if (query.customerId) params.set("customer_id", query.customerId);
      if (query.customerEmail) params.set("customer_email", query.customerEmail);
      if (query.after) params.set("after", query.after);
      const response = await call({ method: "GET", path: `/orders?${params.toString()}` });
      const parsed = parse(testfreaksOrderListResponseSchema, response);
      return { orders: parsed.data ?? [], nextAfter: afterCursor(parsed.links?.next, deps.baseUrl) };
    },
  };
}

function firstOrder(data: TestfreaksOrderRecord | TestfreaksOrderRecord[] | null | undefined): TestfreaksOrderRecord | null {
  if (!data) return null;
  return Array.isArray(data) ? (data[0] ?? null) : data;
}

// `links.next` is a full URL on the partner's host; we only keep its cursor so
// that the next call still goes through the configured base URL.
function afterCursor(next: string | null | undefined, baseUrl: string): string | null {
  if (!next) return null;
  try {
    return new URL(next, baseUrl).searchParams.get("after");
  } catch {
    return null;
  }
}
