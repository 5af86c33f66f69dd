// The partners' server code: one Connector per folder (its index.ts). The app
// builds its context from defaultRegistry; a test registers its own partners
// with createRegistry (test/connectors/example-partner/) without touching this list.
import type { AnyConnector, PartnerId } from "./types";
import { PARTNERS } from "./partners";
import { reverbConnector } from "./reverb";
import { reversioConnector } from "./reversio";
import { testfreaksConnector } from "./testfreaks";

export interface ConnectorRegistry {
  /** In the order given: the admin and the CLI list partners in this order. */
  readonly list: readonly AnyConnector[];
  readonly ids: readonly string[];
  /** The connectors by id, as the worker reads them (RunnerDeps.connectors). */
  readonly byId: Readonly<Record<string, AnyConnector>>;
  get(id: string): AnyConnector | undefined;
}

/** The registration point: a registry of exactly these connectors. Refuses two with one id. */
export function createRegistry(list: readonly AnyConnector[]): ConnectorRegistry {
  const byId: Record<string, AnyConnector> = {};
  for (const connector of list) {
    if (connector.id !== connector.meta.id) throw new Error(`connector ${connector.id} carries the meta of ${connector.meta.id}`);
    if (Object.hasOwn(byId, connector.id)) throw new Error(`two connectors are registered as ${connector.id}`);
    byId[connector.id] = connector;
  }
  return {
    list,
    ids: list.map((connector) => connector.id),
    byId,
    get: (id) => (Object.hasOwn(byId, id) ? byId[id] : undefined),
  };
}

/**
 * The partners the app ships with, in the order of the client-safe list (partners.ts).
 * Built on first use: a connector's order page (e.g. reverb/order-page.server.ts) reaches
 * modules that import this one, so the connectors may not be loaded yet when it is.
 */
let shipped: ConnectorRegistry | undefined;
function shippedRegistry(): ConnectorRegistry {
  if (shipped) return shipped;
  shipped = createRegistry([reverbConnector, reversioConnector, testfreaksConnector]);
  if (shipped.ids.join() !== PARTNERS.join()) {
    throw new Error(`registry.ts (${shipped.ids.join(", ")}) and partners.ts (${PARTNERS.join(", ")}) list different partners`);
  }
  return shipped;
}

export const defaultRegistry: ConnectorRegistry = {
  get list() {
    return shippedRegistry().list;
  },
  get ids() {
    return shippedRegistry().ids;
  },
  get byId() {
    return shippedRegistry().byId;
  },
  get: (id) => shippedRegistry().get(id),
};

/** The shipped connectors by id (each read when first used). */
export const connectors = Object.defineProperties({}, Object.fromEntries(PARTNERS.map((id) => [id, { enumerable: true, get: () => shippedRegistry().byId[id] }]))) as Readonly<
  Record<PartnerId, AnyConnector>
>;
