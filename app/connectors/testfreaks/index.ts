// TestFreaks (review invitations): one order upsert per Shopify order.
import type { Connector, VerifyResult } from "../types";
import { PartnerError } from "../errors";
import { connectorIdentity } from "../partner-meta";
import { createTestfreaksClient } from "./client";
import { planTestfreaksOrder, type TestfreaksPlanRequest } from "./map";
import { testfreaksMeta } from "./meta";
import { testfreaksOrderPage } from "./order-page.server";
import { testfreaksConfigSchema, type TestfreaksConfig } from "./schema";
import { testfreaksSmoke } from "./smoke";

export const testfreaksConnector: Connector<TestfreaksConfig, TestfreaksPlanRequest> = {
  ...connectorIdentity<TestfreaksConfig>(testfreaksMeta),
  configSchema: testfreaksConfigSchema,

  baseUrl: (_config, env) => env[testfreaksMeta.urlVariable] ?? testfreaksMeta.defaultBaseUrl,

  plan: planTestfreaksOrder,

  async push(request, ctx) {
    // POST /orders is an upsert keyed by order.id (docs): a re-send after an
    // uncertain attempt, an edit, a refund or a cancel is the same call, so
    // neither previousOutcomeUncertain nor a stored remoteId changes what we do.
    const client = createTestfreaksClient(ctx.deps, ctx.config);
    const { httpStatus } = await client.upsertOrder(request);
    return { remoteId: request.order.id, httpStatus, sent: request };
  },

  // A getter: order-page.server.ts imports this connector, so the object is read once both modules are loaded.
  get orderPage() {
    return testfreaksOrderPage;
  },

  smoke: testfreaksSmoke,
  async verify(config, deps): Promise<VerifyResult> {
    const client = createTestfreaksClient(deps, config);
    try {
      // The cheapest authenticated call: one order of the client's list.
      await client.listOrders({ limit: 1 });
      return { status: "valid", message: `Connected to TestFreaks for client id ${config.clientId}.` };
    } catch (error) {
      if (!(error instanceof PartnerError)) throw error;
      switch (error.failureClass) {
        case "credentials":
          return {
            status: "invalid_credentials",
            message: `TestFreaks refused the API key for client id ${config.clientId}. Check both values in your TestFreaks account. (${error.message})`,
          };
        case "permanent":
          // A 4xx other than 401/403 on a plain list call: the settings (e.g. the client id) are what is wrong.
          return { status: "invalid_credentials", message: `TestFreaks did not accept these settings. (${error.message})` };
        case "rate_limited":
          return { status: "unreachable", message: `TestFreaks is limiting requests right now; try again in a minute. (${error.message})` };
        case "retryable":
          return { status: "unreachable", message: `TestFreaks could not be reached; try again later. (${error.message})` };
      }
    }
  },
};
