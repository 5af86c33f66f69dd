// The Postcards connector (the example partner): registered only by the tests
// that use it (createRegistry), never in app/connectors/registry.ts.
import type { Connector, VerifyResult } from "~/connectors/types";
import { PartnerError } from "~/connectors/errors";
import { connectorIdentity } from "~/connectors/partner-meta";
import { createPostcardsClient } from "./client";
import { planPostcardsOrder, type PostcardsPlanRequest } from "./map";
import { postcardsMeta } from "./meta";
import { postcardsConfigSchema, type PostcardsConfig } from "./schema";

export const postcardsConnector: Connector<PostcardsConfig, PostcardsPlanRequest> = {
  ...connectorIdentity<PostcardsConfig>(postcardsMeta),
  configSchema: postcardsConfigSchema,
  baseUrl: (_config, env) => env[postcardsMeta.urlVariable] ?? postcardsMeta.defaultBaseUrl,
  plan: planPostcardsOrder,

  // PUT replaces the order's card: a repeat, an edit or a refund is the same call.
  async push(request, ctx) {
    const { cardId, httpStatus } = await createPostcardsClient(ctx.deps, ctx.config).putCard(request);
    return { remoteId: cardId, httpStatus, sent: request };
  },

  async verify(config, deps): Promise<VerifyResult> {
    try {
      await createPostcardsClient(deps, config).ping();
      return { status: "valid", message: "Postcards accepted the API token." };
    } catch (error) {
      if (!(error instanceof PartnerError)) throw error;
      return { status: error.failureClass === "credentials" ? "invalid_credentials" : "unreachable", message: error.message };
    }
  },
};
