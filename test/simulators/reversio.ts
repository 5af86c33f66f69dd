// Local stand-in for the Revers.io customer API (docs/partners/reversio.md,
// docs/partners/reversio.md "Revers.io"):
// - GET /token (Ocp-Apim-Subscription-Key, and the secret value as the
//   Ocp-Apim-Secret-Value header or as ?secret=: `secretForms` says which it takes,
//   docs/partners/reversio.md "Auth") issues a JWT-shaped token with an `exp`;
//   tokens expire (and can be expired at once).
// - every other route wants `Authorization: Bearer <token>` and the subscription key
//   the token was issued for, else 401 (the API gateway's own wording).
// - catalog: models by SKU, create model, brands, model types, kept in memory. A
//   model is open for claims only when its `additionalInformation.isReturnable` is
//   true (the stricter reading of a flag the documents leave unexplained).
// - PUT /orders validates the ImportOrder body (required fields, known modelIds,
//   EUR/GBP only) and answers the documented envelope; 400 with `errors` otherwise.
// - GET /orders/{orderReference}/status.
// Routes answer with or without the documented /api/v1 prefix. One account: every
// key sees the same catalog and orders.
import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { startSimServer, type Knobs, type SimAnswer, type SimRequest, type SimServer } from "./server";
import type { PartnerLocalMode } from "./local-mode";

export const REVERSIO_SIM_KEYS = { subscriptionKey: "sim-subscription-key", secretValue: "sim-secret-value" } as const;
/** The model type every simulator starts with (what the merchant would pick in the settings). */
export const REVERSIO_SIM_MODEL_TYPE_ID = "8b0c5e52-4d4f-4f3e-9a51-6d1f2a7c3e10";

export interface SimReversioBrand {
  id: string;
  name: string;
}

export interface SimReversioModelType {
  id: string;
  key: string;
  label: string;
}

/** The flags Revers.io's Magento module sends with a model (docs/partners/reversio.md "Catalog"). */
export const REVERSIO_MODEL_FLAGS = ["isReturnable", "isRepairable", "isTransportable", "isSerializable", "isOnSiteInterventionPossible", "isCumbersome"] as const;
export type ReversioModelFlags = Partial<Record<(typeof REVERSIO_MODEL_FLAGS)[number], boolean>>;

export interface SimReversioModel {
  id: string;
  sKU: string;
  label: string;
  brandId: string;
  modelTypeId: string;
  eANs: string[];
  photoUrl: string | null;
  /** As sent; `{}` when the creator sent none (then nothing about the model can be claimed). */
  additionalInformation: ReversioModelFlags;
  state: string | null;
}

/** Where GET /token takes the secret value from. */
export type ReversioSimSecretForm = "header" | "query";

export interface SimTokenRequest {
  /** Where the request carried the secret: header, query, both or neither. */
  carried: ReversioSimSecretForm | "both" | "none";
  status: number;
}

export interface SimReversioOrder {
  id: string;
  orderReference: string;
  /** The accepted ImportOrder body, as received. */
  body: Record<string, unknown>;
  importedAt: string;
}

interface SimToken {
  subscriptionKey: string;
  expiresAtMs: number;
}

export interface ReversioSimState {
  brands: SimReversioBrand[];
  modelTypes: SimReversioModelType[];
  models: SimReversioModel[];
  orders: SimReversioOrder[];
  /** How many tokens GET /token has issued. */
  tokensIssued: number;
  /** Every GET /token, in order: where it carried the secret and what it was answered. */
  tokenRequests: SimTokenRequest[];
  findOrder(orderReference: string): SimReversioOrder | undefined;
  findModelBySku(sku: string): SimReversioModel | undefined;
}

export interface ReversioSimOptions {
  keys?: { subscriptionKey: string; secretValue: string }[];
  /** Lifetime of an issued token (Revers.io: one hour). */
  tokenLifetimeSec?: number;
  /**
   * Where GET /token reads the secret value (default both). ["header"]: the portal's
   * reading; ["query"]: the Magento module's; a secret in the other place is as good as none.
   */
  secretForms?: ReversioSimSecretForm[];
  /** A refused token call's message quotes the request line, query string included (a gateway that echoes). */
  echoRequestOnRefusal?: boolean;
  knobs?: Partial<Knobs>;
  now?: () => Date;
  port?: number;
}

export type ReversioSimulator = SimServer & {
  /** The base URL to give the connector (REVERSIO_API_URL): the documented /api/v1 path on this server. */
  apiUrl: string;
  state: ReversioSimState;
  /** Every token issued so far stops being accepted now (as after an early expiry or a revocation). */
  expireTokens(): void;
  /** From now on GET /token reads the secret only from these places (as if Revers.io changed its gateway). */
  setSecretForms(forms: ReversioSimSecretForm[]): void;
  /** Seeds the catalog with a model (and its brand), as if the merchant had created it in Revers.io. */
  addModel(input: { sku: string; label?: string; brandName?: string }): SimReversioModel;
};

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CURRENCIES = ["EUR", "GBP"];
const CIVILITIES = ["NotSet", "Mr", "Mrs"];

interface SimErrorInput {
  code: string;
  message: string;
  field?: string;
  index?: number;
}

/** Revers.io in local mode (local-mode.ts): its sandbox, orders sent once fulfilled, models created for unknown SKUs. */
export const reversioLocal: PartnerLocalMode<ReversioSimulator> = {
  start: () => startReversioSimulator(),
  apiUrl: (sim) => sim.apiUrl,
  settings: { ...REVERSIO_SIM_KEYS, environment: "sandbox", importTrigger: "fulfilled", createMissingModels: true, modelTypeId: REVERSIO_SIM_MODEL_TYPE_ID },
};

export async function startReversioSimulator(opts: ReversioSimOptions = {}): Promise<ReversioSimulator> {
  const keys = opts.keys ?? [REVERSIO_SIM_KEYS];
  const secretForms = new Set<ReversioSimSecretForm>(opts.secretForms ?? ["header", "query"]);
  const tokenLifetimeMs = (opts.tokenLifetimeSec ?? 3600) * 1000;
  const now = opts.now ?? (() => new Date());
  const signingKey = randomBytes(32);
  const tokens = new Map<string, SimToken>();
  const state: ReversioSimState = {
    brands: [],
    modelTypes: [{ id: REVERSIO_SIM_MODEL_TYPE_ID, key: "Default", label: "Default" }],
    models: [],
    orders: [],
    tokensIssued: 0,
    tokenRequests: [],
    findOrder: (reference) => state.orders.find((o) => o.orderReference === reference),
    findModelBySku: (sku) => state.models.find((m) => m.sKU === sku),
  };

  const handler = (req: SimRequest): SimAnswer => {
    const path = req.path.startsWith("/api/v1/") ? req.path.slice("/api/v1".length) : req.path;
    const segments = path
      .split("/")
      .filter((s) => s !== "")
      .map((s) => decodeURIComponent(s));
    const route = `${req.method} /${segments.map((s, i) => (dynamicSegment(segments, i) ? "{}" : s)).join("/")}`;

    if (route === "GET /token") return issueToken(req);

    const denied = authenticate(req);
    if (denied) return denied;

    switch (route) {
      case "PUT /orders":
        return importOrder(req.body);
      case "GET /orders/{}/status":
        return orderStatus(segments[1] ?? "");
      case "GET /catalog/models/bySku/{}":
        return modelBySku(segments[3] ?? "");
      case "PUT /catalog/models":
        return createModel(req.body);
      case "GET /catalog/brands":
        return ok(state.brands.map((b) => ({ ...b })));
      case "PUT /catalog/brands":
        return createBrand(req.body);
      case "GET /catalog/modelTypes":
        return ok(state.modelTypes.map((t) => ({ ...t })));
      default:
        return { status: 404, body: { statusCode: 404, message: `Resource not found: ${req.method} ${req.path}` } };
    }
  };

  function issueToken(req: SimRequest): SimAnswer {
    const inHeader = header(req, "ocp-apim-secret-value");
    const inQuery = req.query.get("secret") ?? undefined;
    const carried = inHeader !== undefined && inQuery !== undefined ? "both" : inHeader !== undefined ? "header" : inQuery !== undefined ? "query" : "none";
    const answer = tokenAnswer(req, secretForms.has("header") ? inHeader : undefined, secretForms.has("query") ? inQuery : undefined);
    state.tokenRequests.push({ carried, status: answer.status });
    return answer;
  }

  function tokenAnswer(req: SimRequest, headerSecret: string | undefined, querySecret: string | undefined): SimAnswer {
    const subscriptionKey = header(req, "ocp-apim-subscription-key");
    const account = keys.find((k) => k.subscriptionKey === subscriptionKey);
    if (!account) return invalidSubscriptionKey();
    if (headerSecret !== account.secretValue && querySecret !== account.secretValue) {
      const message = headerSecret === undefined && querySecret === undefined ? "Access denied due to missing secret value." : "Access denied due to invalid secret value.";
      const echo = opts.echoRequestOnRefusal ? ` Request: GET ${req.path}${req.query.size > 0 ? `?${req.query.toString()}` : ""}` : "";
      return { status: 401, body: { statusCode: 401, message: message + echo } };
    }
    const issuedAt = now().getTime();
    const expiresAtMs = issuedAt + tokenLifetimeMs;
    state.tokensIssued += 1;
    const jwt = signJwt({ iss: "revers.io-simulator", sub: account.subscriptionKey, iat: Math.floor(issuedAt / 1000), exp: Math.floor(expiresAtMs / 1000), jti: state.tokensIssued });
    tokens.set(jwt, { subscriptionKey: account.subscriptionKey, expiresAtMs });
    return ok(jwt);
  }

  function authenticate(req: SimRequest): SimAnswer | null {
    const subscriptionKey = header(req, "ocp-apim-subscription-key");
    if (!keys.some((k) => k.subscriptionKey === subscriptionKey)) return invalidSubscriptionKey();
    const authorization = header(req, "authorization");
    const jwt = authorization?.startsWith("Bearer ") ? authorization.slice(7).trim() : "";
    const token = tokens.get(jwt);
    if (!token || token.subscriptionKey !== subscriptionKey || token.expiresAtMs <= now().getTime() || !signatureValid(jwt)) {
      return { status: 401, body: { statusCode: 401, message: "Unauthorized. Access token is missing or invalid." } };
    }
    return null;
  }

  function importOrder(body: unknown): SimAnswer {
    const errors = validateImportOrder(body, (modelId) => state.models.some((m) => m.id === modelId));
    if (errors.length > 0) return businessError(errors);
    const order = body as Record<string, unknown> & { orderReference: string };
    // Whether a second import of the same reference updates or fails is not documented;
    // the stand-in takes the stricter reading so that a duplicate send shows.
    if (state.findOrder(order.orderReference)) {
      return businessError([{ code: "OrderAlreadyExists", message: `An order with reference ${order.orderReference} already exists.`, field: "orderReference" }]);
    }
    const stored: SimReversioOrder = { id: randomUUID(), orderReference: order.orderReference, body: structuredClone(order), importedAt: now().toISOString() };
    state.orders.push(stored);
    return ok(stored.id);
  }

  function orderStatus(reference: string): SimAnswer {
    const order = state.findOrder(reference);
    if (!order) return notFound(`Order ${reference} not found.`);
    const products = Array.isArray(order.body.products) ? (order.body.products as Record<string, unknown>[]) : [];
    return ok({
      orderId: order.id,
      orderReference: order.orderReference,
      orderLines: products.map((p) => ({
        orderLineReference: p.orderLineReference,
        modelId: p.modelId,
        hasOpenFile: false,
        isOpenForClaims: state.models.find((m) => m.id === p.modelId)?.additionalInformation.isReturnable === true,
      })),
    });
  }

  function modelBySku(sku: string): SimAnswer {
    const model = state.findModelBySku(sku);
    return model ? ok({ ...model, additionalInformation: { ...model.additionalInformation } }) : notFound(`No model with SKU ${sku}.`);
  }

  function createModel(body: unknown): SimAnswer {
    if (!isObject(body)) return businessError([{ code: "InvalidBody", message: "The request body must be a model object." }]);
    const errors: SimErrorInput[] = [];
    if (!isGuid(body.brandId)) errors.push({ code: "Required", message: "brandId is required.", field: "brandId" });
    else if (!state.brands.some((b) => b.id === body.brandId)) errors.push({ code: "BrandNotFound", message: `Brand ${body.brandId} does not exist.`, field: "brandId" });
    if (!isGuid(body.modelTypeId)) errors.push({ code: "Required", message: "modelTypeId is required.", field: "modelTypeId" });
    else if (!state.modelTypes.some((t) => t.id === body.modelTypeId)) errors.push({ code: "ModelTypeNotFound", message: `Model type ${body.modelTypeId} does not exist.`, field: "modelTypeId" });
    if (!nonEmptyString(body.label)) errors.push({ code: "Required", message: "label is required.", field: "label" });
    if (!nonEmptyString(body.sKU)) errors.push({ code: "Required", message: "sKU is required.", field: "sKU" });
    else if (state.findModelBySku(body.sKU)) errors.push({ code: "ModelAlreadyExists", message: `A model with SKU ${body.sKU} already exists.`, field: "sKU" });
    if (body.eANs !== undefined && (!Array.isArray(body.eANs) || body.eANs.some((e) => typeof e !== "string")))
      errors.push({ code: "Invalid", message: "eANs must be a list of strings.", field: "eANs" });
    if (body.photoUrl !== undefined && body.photoUrl !== null && typeof body.photoUrl !== "string") errors.push({ code: "Invalid", message: "photoUrl must be a string.", field: "photoUrl" });
    const flags: ReversioModelFlags = {};
    if (body.additionalInformation !== undefined && body.additionalInformation !== null) {
      if (!isObject(body.additionalInformation)) errors.push({ code: "Invalid", message: "additionalInformation must be an object.", field: "additionalInformation" });
      else {
        for (const [flag, value] of Object.entries(body.additionalInformation)) {
          if (!(REVERSIO_MODEL_FLAGS as readonly string[]).includes(flag)) continue;
          if (typeof value !== "boolean") errors.push({ code: "Invalid", message: `additionalInformation.${flag} must be true or false.`, field: `additionalInformation.${flag}` });
          else flags[flag as keyof ReversioModelFlags] = value;
        }
      }
    }
    if (body.state !== undefined && body.state !== null && typeof body.state !== "string") errors.push({ code: "Invalid", message: "state must be a string.", field: "state" });
    if (errors.length > 0) return businessError(errors);
    const model: SimReversioModel = {
      id: randomUUID(),
      sKU: body.sKU as string,
      label: body.label as string,
      brandId: body.brandId as string,
      modelTypeId: body.modelTypeId as string,
      eANs: (body.eANs as string[] | undefined) ?? [],
      photoUrl: typeof body.photoUrl === "string" ? body.photoUrl : null,
      additionalInformation: flags,
      state: typeof body.state === "string" ? body.state : null,
    };
    state.models.push(model);
    return ok({ ...model, additionalInformation: { ...flags } });
  }

  function createBrand(body: unknown): SimAnswer {
    if (!isObject(body) || !nonEmptyString(body.name)) return businessError([{ code: "Required", message: "name is required.", field: "name" }]);
    const name = body.name.trim();
    if (state.brands.some((b) => b.name.toLowerCase() === name.toLowerCase())) {
      return businessError([{ code: "BrandAlreadyExists", message: `A brand named ${name} already exists.`, field: "name" }]);
    }
    const brand = { id: randomUUID(), name };
    state.brands.push(brand);
    return ok({ ...brand });
  }

  function addModel(input: { sku: string; label?: string; brandName?: string }): SimReversioModel {
    const brandName = input.brandName ?? "Simulated brand";
    let brand = state.brands.find((b) => b.name === brandName);
    if (!brand) {
      brand = { id: randomUUID(), name: brandName };
      state.brands.push(brand);
    }
    const model: SimReversioModel = {
      id: randomUUID(),
      sKU: input.sku,
      label: input.label ?? input.sku,
      brandId: brand.id,
      modelTypeId: REVERSIO_SIM_MODEL_TYPE_ID,
      eANs: [],
      photoUrl: null,
      // A model the merchant made in Revers.io's own back office: returnable.
      additionalInformation: { isReturnable: true, isTransportable: true },
      state: "New",
    };
    state.models.push(model);
    return model;
  }

  function signJwt(claims: Record<string, unknown>): string {
    const encode = (part: unknown) => Buffer.from(JSON.stringify(part), "utf8").toString("base64url");
    const unsigned = `${encode({ alg: "HS256", typ: "JWT" })}.${encode(claims)}`;
    return `${unsigned}.${createHmac("sha256", signingKey).update(unsigned).digest("base64url")}`;
  }

  function signatureValid(jwt: string): boolean {
    const lastDot = jwt.lastIndexOf(".");
    return lastDot > 0 && createHmac("sha256", signingKey).update(jwt.slice(0, lastDot)).digest("base64url") === jwt.slice(lastDot + 1);
  }

  const server = await startSimServer(handler, { knobs: opts.knobs, port: opts.port, now: () => now().getTime() });
  return Object.assign(server, {
    apiUrl: `${server.url}/api/v1`,
    state,
    expireTokens() {
      const at = now().getTime();
      for (const token of tokens.values()) token.expiresAtMs = Math.min(token.expiresAtMs, at);
    },
    addModel,
    setSecretForms(forms: ReversioSimSecretForm[]) {
      secretForms.clear();
      for (const form of forms) secretForms.add(form);
    },
  });
}

/** Which path segments are ids: /orders/{ref}/status, /catalog/models/bySku/{sku}. */
function dynamicSegment(segments: string[], index: number): boolean {
  if (segments[0] === "orders" && index === 1 && segments.length === 3) return true;
  return segments[0] === "catalog" && segments[1] === "models" && segments[2] === "bySku" && index === 3;
}

/** Checks an ImportOrder body against the documented schema; one error per problem. */
export function validateImportOrder(body: unknown, modelExists: (modelId: string) => boolean): SimErrorInput[] {
  if (!isObject(body)) return [{ code: "InvalidBody", message: "The request body must be an order object." }];
  const errors: SimErrorInput[] = [];
  const required = (field: string) => errors.push({ code: "Required", message: `${field} is required.`, field });

  if (!nonEmptyString(body.orderReference)) required("orderReference");
  if (body.civility !== undefined && !CIVILITIES.includes(body.civility as string)) {
    errors.push({ code: "Invalid", message: `civility must be one of ${CIVILITIES.join(", ")}.`, field: "civility" });
  }
  for (const field of ["customerLastName", "customerFirstName", "phoneNumber", "customerMail", "salesChannel"]) {
    if (body[field] !== undefined && typeof body[field] !== "string") errors.push({ code: "Invalid", message: `${field} must be a string.`, field });
  }
  if (body.address !== undefined) {
    if (!isObject(body.address)) errors.push({ code: "Invalid", message: "address must be an object.", field: "address" });
    else {
      for (const [key, value] of Object.entries(body.address)) {
        if (value !== null && typeof value !== "string") errors.push({ code: "Invalid", message: `address.${key} must be a string.`, field: `address.${key}` });
      }
    }
  }
  if (!nonEmptyString(body.purchaseDateUtc)) required("purchaseDateUtc");
  else if (Number.isNaN(Date.parse(body.purchaseDateUtc))) errors.push({ code: "Invalid", message: "purchaseDateUtc must be a date-time.", field: "purchaseDateUtc" });

  if (!Array.isArray(body.products) || body.products.length === 0) required("products");
  else {
    const lineReferences = new Set<string>();
    body.products.forEach((product: unknown, index) => {
      const at = `products[${index}]`;
      if (!isObject(product)) return void errors.push({ code: "Invalid", message: `${at} must be an object.`, field: at, index });
      if (!isGuid(product.modelId)) errors.push({ code: "Required", message: `${at}.modelId is required (a uuid).`, field: `${at}.modelId`, index });
      else if (!modelExists(product.modelId)) errors.push({ code: "ModelNotFound", message: `Model ${product.modelId} does not exist.`, field: `${at}.modelId`, index });
      priceErrors(product.price, `${at}.price`, index).forEach((e) => errors.push(e));
      if (!nonEmptyString(product.orderLineReference)) errors.push({ code: "Required", message: `${at}.orderLineReference is required.`, field: `${at}.orderLineReference`, index });
      else if (lineReferences.has(product.orderLineReference)) {
        errors.push({ code: "Duplicate", message: `orderLineReference ${product.orderLineReference} is used twice.`, field: `${at}.orderLineReference`, index });
      } else lineReferences.add(product.orderLineReference);
      if (product.supplierId !== undefined && !isGuid(product.supplierId)) errors.push({ code: "Invalid", message: `${at}.supplierId must be a uuid.`, field: `${at}.supplierId`, index });
    });
  }
  if (body.shippingPrice !== undefined) priceErrors(body.shippingPrice, "shippingPrice").forEach((e) => errors.push(e));
  if (body.storePurchasedAt !== undefined && !isGuid(body.storePurchasedAt)) errors.push({ code: "Invalid", message: "storePurchasedAt must be a uuid.", field: "storePurchasedAt" });
  return errors;
}

function priceErrors(price: unknown, at: string, index?: number): SimErrorInput[] {
  if (!isObject(price)) return [{ code: "Required", message: `${at} is required.`, field: at, index }];
  const errors: SimErrorInput[] = [];
  if (typeof price.amount !== "number" || !Number.isFinite(price.amount) || price.amount < 0) {
    errors.push({ code: "Invalid", message: `${at}.amount must be a number of at least 0.`, field: `${at}.amount`, index });
  }
  if (typeof price.currency !== "string" || !CURRENCIES.includes(price.currency)) {
    errors.push({ code: "InvalidCurrency", message: `Currency ${String(price.currency)} is not supported: use EUR or GBP.`, field: `${at}.currency`, index });
  }
  return errors;
}

function envelope(value: unknown, errors: SimErrorInput[], notFound = false) {
  return {
    value,
    errors: errors.map((e) => ({
      subject: null,
      code: e.code,
      message: e.message,
      developerMessage: null,
      moreInfo: null,
      field: e.field ?? null,
      index: e.index ?? null,
      isWarning: false,
      extraData: null,
    })),
    isHandledError: errors.length > 0,
    failure: errors.length > 0,
    hasWarnings: false,
    isNotFound: notFound,
  };
}

function ok(value: unknown): SimAnswer {
  return { status: 200, body: envelope(value, []) };
}

/** "400 Bad Request: a business error happened, details are provided in the response" [doc]. */
function businessError(errors: SimErrorInput[]): SimAnswer {
  return { status: 400, body: envelope(null, errors) };
}

function notFound(message: string): SimAnswer {
  return { status: 404, body: envelope(null, [{ code: "NotFound", message }], true) };
}

function invalidSubscriptionKey(): SimAnswer {
  return { status: 401, body: { statusCode: 401, message: "Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription." } };
}

function header(req: SimRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isGuid(value: unknown): value is string {
  return typeof value === "string" && GUID.test(value);
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === "string" && value.trim() !== "";
}
