// Postcards' HTTP calls, nothing else (the example partner).
import type { ClientDeps } from "~/connectors/types";
import { requestJson } from "~/connectors/http";
import { cardIdOf, POSTCARDS } from "./envelope";
import type { PostcardsCardRequest, PostcardsConfig } from "./schema";

export interface PostcardsClient {
  /** Creates or replaces the order's card; answers its id. */
  putCard(card: PostcardsCardRequest): Promise<{ cardId: string; httpStatus: number }>;
  /** A cheap authenticated call. */
  ping(): Promise<void>;
}

export function createPostcardsClient(deps: ClientDeps, config: Pick<PostcardsConfig, "apiToken">): PostcardsClient {
  const headers = { authorization: `Bearer ${config.apiToken}` };
  return {
    async putCard(card) {
      const response = await requestJson(deps, POSTCARDS, { method: "PUT", path: `/cards/${encodeURIComponent(card.order_ref)}`, headers, body: card });
      return { cardId: cardIdOf(response.body, response.status), httpStatus: response.status };
    },
    async ping() {
      await requestJson(deps, POSTCARDS, { method: "GET", path: "/ping", headers });
    },
  };
}
