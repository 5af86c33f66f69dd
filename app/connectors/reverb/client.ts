// Reverb's HTTP calls, nothing else: no mapping, no retries (the worker owns
// those), no state beyond the injected deps and the merchant's settings.
import type { z } from "zod";
import type { ClientDeps } from "../types";
import { PartnerError, partnerMalformed } from "../errors";
import { requestJson, type JsonRequest } from "../http";
import { reverbCustomerDataSchema, reverbOrderDataSchema, readOrderId, type ReverbConfig, type ReverbCustomer, type ReverbCustomerRequest, type ReverbOrder, type ReverbOrderRequest } from "./schema";
import { reverbReferralFunctions } from "./referrals";
import { envelopeFailure, openEnvelope, REVERB, reverbEnvelopeSchema } from "./envelope";

export interface ReverbAnswer {
  /** The envelope's `data`, unread. */
  data: unknown;
  httpStatus: number;
}

/** The envelope-aware transport the order and referral functions share. */
export interface ReverbTransport {
  /** One call; answers the envelope's data; throws PartnerError for an HTTP or an envelope failure. */
  call(req: JsonRequest, what: string): Promise<ReverbAnswer>;
  /** The same, but "not found" (HTTP 404, or code 404 inside the envelope) answers null. */
  callUnlessNotFound(req: JsonRequest, what: string): Promise<ReverbAnswer | null>;
  /** Reads `data` with a schema; an unexpected shape is a malformed answer (the call may have applied). */
  read<Schema extends z.ZodType>(schema: Schema, answer: ReverbAnswer, what: string): z.output<Schema>;
  /**
   * A call whose 2xx must never be mistaken for a failure (the order's POST): any 2xx
   * answers its raw body, readable or not; only a refusal Reverb stated (an error
   * status, or an envelope with an error code or `status: false`) throws.
   */
  callAccepting(req: JsonRequest, what: string): Promise<{ body: unknown; httpStatus: number; readable: boolean }>;
}

export function createReverbTransport(deps: ClientDeps, config: Pick<ReverbConfig, "consumerKey" | "consumerSecret">): ReverbTransport {
  // The consumer key is the Basic user and the secret its password [doc]; built once, never logged.
  const authorization = "Basic " + Buffer.from(`${config.consumerKey}:${config.consumerSecret}`, "utf8").toString("base64");
  const send = (req: JsonRequest) => requestJson(deps, REVERB, { ...req, headers: { ...req.headers, authorization } });

  const callUnlessNotFound = async (req: JsonRequest, what: string): Promise<ReverbAnswer | null> => {
    let response;
    try {
      response = await send(req);
    } catch (error) {
      if (error instanceof PartnerError && error.httpStatus === 404) return null;
      throw error;
    }
    const envelope = openEnvelope(response.body, response.status, what);
    if (envelope.ok) return { data: envelope.data, httpStatus: response.status };
    if (envelope.code === 404) return null;
    throw envelopeFailure(response.status, envelope.code, envelope.message);
  };

  return {
    async call(req, what) {
      const response = await send(req);
      const envelope = openEnvelope(response.body, response.status, what);
      if (!envelope.ok) throw envelopeFailure(response.status, envelope.code, envelope.message);
      return { data: envelope.data, httpStatus: response.status };
    },
    callUnlessNotFound,
    async callAccepting(req, what) {
      let response;
      try {
        response = await send(req);
      } catch (error) {
        // requestJson throws for a 2xx whose body is not JSON: Reverb accepted it all the same.
        if (error instanceof PartnerError && error.httpStatus !== null && error.httpStatus >= 200 && error.httpStatus < 300) {
          return { body: null, httpStatus: error.httpStatus, readable: false };
        }
        throw error;
      }
      const parsed = reverbEnvelopeSchema.safeParse(response.body);
      if (parsed.success) {
        const envelope = openEnvelope(response.body, response.status, what);
        // Only a failure Reverb states is one: an error code (4xx/5xx), or `status: false`.
        const stated = !envelope.ok && (envelope.code === null ? "status" in parsed.data : envelope.code >= 400);
        if (!envelope.ok && stated) throw envelopeFailure(response.status, envelope.code, envelope.message);
      }
      return { body: response.body, httpStatus: response.status, readable: response.body !== null };
    },
    read(schema, answer, what) {
      const parsed = schema.safeParse(answer.data);
      if (!parsed.success) throw partnerMalformed(REVERB, answer.httpStatus, `${what}: ${JSON.stringify(answer.data) ?? "no data"}`);
      return parsed.data;
    },
  };
}

/** An empty `data` ({} / [] / null) is how an absent record may read. */
function isEmptyData(data: unknown): boolean {
  if (data === null || data === undefined) return true;
  if (Array.isArray(data)) return data.length === 0;
  if (typeof data === "object") {
    const values = Object.values(data as Record<string, unknown>);
    return values.length === 0 || values.every((value) => value === null || (Array.isArray(value) && value.length === 0));
  }
  return false;
}

const segment = encodeURIComponent;

/** Reverb's calls the connector, the order page and partner:smoke make. */
export interface ReverbClient extends ReturnType<typeof reverbReferralFunctions> {
  findCustomer(email: string): Promise<ReverbCustomer | null>;
  /** Answers the new customer's uuid. */
  createCustomer(body: ReverbCustomerRequest): Promise<string>;
  createOrder(body: ReverbOrderRequest): Promise<{ orderUuid: string | null; httpStatus: number; answer: string }>;
  updateOrder(orderUuid: string, body: Partial<ReverbOrderRequest>): Promise<{ httpStatus: number }>;
  getOrder(orderUuid: string): Promise<ReverbOrder | null>;
}

export function createReverbClient(deps: ClientDeps, config: ReverbConfig): ReverbClient {
  const transport = createReverbTransport(deps, config);

  async function findCustomer(email: string): Promise<ReverbCustomer | null> {
    const answer = await transport.callUnlessNotFound({ method: "GET", path: `/customers/${segment(config.websiteUuid)}/${segment(email)}` }, "customer lookup");
    if (answer === null || isEmptyData(answer.data)) return null;
    return transport.read(reverbCustomerDataSchema, answer, "customer lookup").customer;
  }

  async function createCustomer(body: ReverbCustomerRequest): Promise<string> {
    const answer = await transport.call({ method: "POST", path: "/customers", body }, "customer creation");
    return transport.read(reverbCustomerDataSchema, answer, "customer creation").customer.uuid;
  }

  /**
   * POST /orders. Any 2xx means Reverb holds the order (docs/partners/reverb.md): the
   * answer's id is read leniently, and `orderUuid` is null when none can be read.
   * `answer` describes the body for the merchant when there is no id.
   */
  async function createOrder(body: ReverbOrderRequest): Promise<{ orderUuid: string | null; httpStatus: number; answer: string }> {
    const accepted = await transport.callAccepting({ method: "POST", path: "/orders", body }, "order creation");
    const orderUuid = readOrderId(accepted.body);
    // Described by its shape, never quoted: the answer carries the customer's name and email.
    const answer = accepted.readable ? "an answer without order_uuid, uuid or id" : "an empty or non-JSON body";
    return { orderUuid, httpStatus: accepted.httpStatus, answer: `HTTP ${accepted.httpStatus} with ${answer}` };
  }

  /** Every field is optional on PUT [doc]; the item list is sent as `order_items` (docs/partners/reverb.md). */
  async function updateOrder(orderUuid: string, body: Partial<ReverbOrderRequest>): Promise<{ httpStatus: number }> {
    const answer = await transport.call({ method: "PUT", path: `/orders/${segment(orderUuid)}`, body }, "order update");
    return { httpStatus: answer.httpStatus };
  }

  async function getOrder(orderUuid: string): Promise<ReverbOrder | null> {
    const answer = await transport.callUnlessNotFound({ method: "GET", path: `/orders/${segment(orderUuid)}` }, "order lookup");
    if (answer === null || isEmptyData(answer.data)) return null;
    return transport.read(reverbOrderDataSchema, answer, "order lookup");
  }

  return {
    findCustomer,
    createCustomer,
    createOrder,
    updateOrder,
    getOrder,
    ...reverbReferralFunctions(transport, config, { findCustomer, getOrder }),
  };
}
