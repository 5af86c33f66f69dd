// Revers.io HTTP calls only (docs/partners/reversio.md "Revers.io"). Every call carries the
// bearer token and the subscription key [pub]; the token is cached per shop
// until shortly before its `exp`, and a 401 earns exactly one fresh token and
// one retry (the only retry a connector makes itself: docs/architecture.md).
import { createHash } from "node:crypto";
import type { z } from "zod";
import type { ClientDeps } from "../types";
import { PartnerError, partnerMalformed } from "../errors";
import { requestJson, type JsonRequest, type JsonResponse } from "../http";
import type { PartnerCache } from "~/sync/partner-cache.server";
import { assertEnvelopeSucceeded, envelopeNotFound, REVERSIO, reversioErrorMessage } from "./envelope";
import {
  reversioBrandListResponseSchema,
  reversioBrandResponseSchema,
  reversioImportOrderResponseSchema,
  reversioModelResponseSchema,
  reversioModelTypeListResponseSchema,
  reversioOrderStatusResponseSchema,
  type ReversioBrand,
  type ReversioCreateModelRequest,
  type ReversioImportOrderRequest,
  type ReversioModel,
  type ReversioModelType,
  type ReversioOrderStatus,
} from "./schema";
import { DEFAULT_SECRET_FORM, isReversioSecretForm, obtainReversioToken, type ReversioCredentials } from "./token";

/** A token is dropped this long before its `exp`, so that it never expires in flight. */
export const TOKEN_REFRESH_MARGIN_MS = 60_000;
/** Used when a token's `exp` cannot be read: Revers.io issues one-hour tokens [pub]. */
const DOCUMENTED_TOKEN_LIFETIME_MS = 60 * 60_000;
/** PartnerCache kind of the secret's form (header or query) Revers.io last accepted: no expiry. */
export const SECRET_FORM_CACHE_KIND = "secret-form";

/** Revers.io's calls the connector, the model resolution and partner:smoke make. */
export interface ReversioClient {
  /** ImportOrder: PUT /orders [doc]; answers the order's uuid. */
  importOrder(body: ReversioImportOrderRequest): Promise<{ orderId: string; httpStatus: number }>;
  /** Whether Revers.io knows an order reference [pub]; null when it does not. */
  getOrderStatus(orderReference: string): Promise<ReversioOrderStatus | null>;
  findModelBySku(sku: string): Promise<ReversioModel | null>;
  createModel(body: ReversioCreateModelRequest): Promise<ReversioModel>;
  listBrands(): Promise<ReversioBrand[]>;
  createBrand(name: string): Promise<ReversioBrand>;
  listModelTypes(): Promise<ReversioModelType[]>;
}

export function createReversioClient(deps: ClientDeps, credentials: ReversioCredentials, cache: PartnerCache): ReversioClient {
  // Keyed by host and subscription key (hashed: the cache is not a secret store), so
  // new keys or a switch to the sandbox never reuse a token issued for the old ones.
  const tokenKey = createHash("sha256").update(`${deps.baseUrl}\n${credentials.subscriptionKey}`).digest("hex").slice(0, 32);

  async function freshToken(): Promise<string> {
    // The form that worked last time goes first: one call per token, not two (docs/partners/reversio.md "Auth").
    const remembered = await cache.get(SECRET_FORM_CACHE_KIND, tokenKey);
    const preferred = isReversioSecretForm(remembered) ? remembered : DEFAULT_SECRET_FORM;
    const token = await obtainReversioToken(deps, credentials, preferred);
    if (token.form !== remembered) await cache.set(SECRET_FORM_CACHE_KIND, tokenKey, token.form);
    const now = deps.now().getTime();
    const ttlMs = (token.expiresAtMs ?? now + DOCUMENTED_TOKEN_LIFETIME_MS) - now - TOKEN_REFRESH_MARGIN_MS;
    if (ttlMs > 0) await cache.set("token", tokenKey, token.jwt, ttlMs);
    return token.jwt;
  }

  async function bearerToken(): Promise<string> {
    return (await cache.get("token", tokenKey)) ?? freshToken();
  }

  async function call(req: JsonRequest): Promise<JsonResponse> {
    const send = (jwt: string) =>
      requestJson(deps, REVERSIO, { ...req, headers: { ...req.headers, Authorization: `Bearer ${jwt}`, "Ocp-Apim-Subscription-Key": credentials.subscriptionKey } }, reversioErrorMessage);
    // A refused token call is final here (both forms were tried): only the call's own 401 earns a new token.
    const jwt = await bearerToken();
    try {
      return await send(jwt);
    } catch (error) {
      if (!(error instanceof PartnerError) || error.httpStatus !== 401) throw error;
      // Revoked or expired early: one new token, one retry; a second 401 stays a credentials failure.
      await cache.delete("token", tokenKey);
      return send(await freshToken());
    }
  }

  /** A call whose envelope must succeed and carry a `value`. */
  async function valueOf<Value>(req: JsonRequest, schema: z.ZodType<{ value?: Value | null }>): Promise<{ value: Value; httpStatus: number }> {
    const answer = await call(req);
    assertEnvelopeSucceeded(deps, answer);
    const parsed = schema.safeParse(answer.body);
    if (!parsed.success || parsed.data.value === null || parsed.data.value === undefined) {
      throw partnerMalformed(REVERSIO, answer.status, `${req.method} ${req.path} answered without the expected \`value\``);
    }
    return { value: parsed.data.value, httpStatus: answer.status };
  }

  /** A lookup: absent (404 or `isNotFound`) is null, not an error. */
  async function find<Value>(path: string, schema: z.ZodType<{ value?: Value | null }>): Promise<Value | null> {
    let answer: JsonResponse;
    try {
      answer = await call({ method: "GET", path });
    } catch (error) {
      if (error instanceof PartnerError && error.httpStatus === 404) return null;
      throw error;
    }
    if (envelopeNotFound(answer.body)) return null;
    assertEnvelopeSucceeded(deps, answer);
    const parsed = schema.safeParse(answer.body);
    if (!parsed.success) throw partnerMalformed(REVERSIO, answer.status, `GET ${path} answered an unexpected shape`);
    return parsed.data.value ?? null;
  }

  return {
    /** ImportOrder: PUT /orders [doc]; the answer's `value` is the order's uuid. */
    async importOrder(body: ReversioImportOrderRequest): Promise<{ orderId: string; httpStatus: number }> {
      const { value, httpStatus } = await valueOf({ method: "PUT", path: "/orders", body }, reversioImportOrderResponseSchema);
      return { orderId: value, httpStatus };
    },

    /** Whether Revers.io knows an order reference [pub]; null when it does not. Order names start with '#': always encoded. */
    getOrderStatus(orderReference: string): Promise<ReversioOrderStatus | null> {
      return find(`/orders/${encodeURIComponent(orderReference)}/status`, reversioOrderStatusResponseSchema);
    },

    findModelBySku(sku: string): Promise<ReversioModel | null> {
      return find(`/catalog/models/bySku/${encodeURIComponent(sku)}`, reversioModelResponseSchema);
    },

    async createModel(body: ReversioCreateModelRequest): Promise<ReversioModel> {
      return (await valueOf({ method: "PUT", path: "/catalog/models", body }, reversioModelResponseSchema)).value;
    },

    async listBrands(): Promise<ReversioBrand[]> {
      return (await find("/catalog/brands", reversioBrandListResponseSchema)) ?? [];
    },

    async createBrand(name: string): Promise<ReversioBrand> {
      return (await valueOf({ method: "PUT", path: "/catalog/brands", body: { name } }, reversioBrandResponseSchema)).value;
    },

    async listModelTypes(): Promise<ReversioModelType[]> {
      return (await find("/catalog/modelTypes", reversioModelTypeListResponseSchema)) ?? [];
    },
  };
}
