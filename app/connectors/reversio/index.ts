// The Revers.io connector (returns management): imports an order once, with
// one product entry per unit, each product tied to a catalog model by SKU.
import type { Connector, VerifyResult } from "../types";
import { PartnerError } from "../errors";
import { connectorIdentity } from "../partner-meta";
import { createReversioClient } from "./client";
import { importOrderBody, planReversioOrder, type ReversioPlanRequest } from "./map";
import { resolveModelIds } from "./models";
import { reversioMeta } from "./meta";
import { reversioSettingsPage } from "./settings-page.server";
import { reversioConfigSchema, type ReversioConfig } from "./schema";
import { obtainReversioToken } from "./token";
import { reversioSmoke } from "./smoke";

export type { ReversioConfig } from "./schema";
export type { ReversioPlanRequest } from "./map";

export const REVERSIO_PRODUCTION_URL = reversioMeta.defaultBaseUrl;
export const REVERSIO_SANDBOX_URL = "https://demo-customer-api.revers.io/api/v1";

export const reversioConnector: Connector<ReversioConfig, ReversioPlanRequest> = {
  ...connectorIdentity<ReversioConfig>(reversioMeta),
  configSchema: reversioConfigSchema,

  baseUrl(config, env) {
    const override = env[reversioMeta.urlVariable]?.trim();
    if (override) return override;
    return config.environment === "sandbox" ? REVERSIO_SANDBOX_URL : REVERSIO_PRODUCTION_URL;
  },

  plan: planReversioOrder,
  settingsPage: reversioSettingsPage,

  async push(request, ctx) {
    // No update or cancel call exists [ours]: an imported order is final, a later job changes nothing.
    if (ctx.remoteId) return { remoteId: ctx.remoteId, httpStatus: 200, sent: null };

    const client = createReversioClient(ctx.deps, ctx.config, ctx.cache);

    // Whether PUT /orders is an upsert is unknown: after an attempt that may have
    // landed (timeout), ask before sending the order again [ours].
    if (ctx.previousOutcomeUncertain) {
      const known = await client.getOrderStatus(request.orderReference);
      if (known) {
        ctx.deps.logger.info("Revers.io already has the order; not sending it again", { shop: ctx.shop, orderReference: request.orderReference });
        // The status answer may not carry the order's uuid; the reference names the order at Revers.io too.
        return { remoteId: known.orderId ?? known.id ?? request.orderReference, httpStatus: 200, sent: null };
      }
    }

    const modelIds = await resolveModelIds(client, request.products, ctx.config, ctx.cache);
    const body = importOrderBody(request, modelIds);
    const { orderId, httpStatus } = await client.importOrder(body);
    return { remoteId: orderId, httpStatus, sent: body };
  },

  smoke: reversioSmoke,
  async verify(config, deps): Promise<VerifyResult> {
    try {
      // Both forms of the secret, as a job would try them: the test passes when a job's token call would.
      const token = await obtainReversioToken(deps, config);
      const until = token.expiresAtMs ? ` (valid until ${new Date(token.expiresAtMs).toISOString()})` : "";
      const form = token.form === "query" ? ", with the secret as ?secret=" : "";
      return { status: "valid", message: `Revers.io issued an access token${until}${form}` };
    } catch (error) {
      if (!(error instanceof PartnerError)) throw error;
      // The token call takes nothing but the two keys: a refusal (401/403, or a 400 business error) is about them.
      const refused = error.failureClass === "credentials" || error.httpStatus === 400;
      return { status: refused ? "invalid_credentials" : "unreachable", message: error.message };
    }
  },
};
