// Each partner's part in local mode: its simulator, the URL that points the app at
// it, and the settings that make the app talk to it. `npm run simulators`, the demo
// and the browser tests start every partner of the registry (app/connectors/partners.ts)
// from here: the compiler asks for an entry for each partner the app ships with.
import type { PartnerId } from "~/connectors/partners";
import type { SimServer } from "./server";
import { reverbLocal } from "./reverb";
import { reversioLocal } from "./reversio";
import { testfreaksLocal } from "./testfreaks";

export interface PartnerLocalMode<Sim extends SimServer = SimServer> {
  start(): Promise<Sim>;
  /** The base URL the app is given (the partner's meta.ts urlVariable). */
  apiUrl(sim: Sim): string;
  /** What partner:configure stores to use the simulator (the credentials it accepts). */
  settings: Readonly<Record<string, unknown>>;
}

export const LOCAL_PARTNERS = { reverb: reverbLocal, reversio: reversioLocal, testfreaks: testfreaksLocal } satisfies Record<PartnerId, PartnerLocalMode<SimServer>>;

export type LocalSimulators = { [Id in PartnerId]: Awaited<ReturnType<(typeof LOCAL_PARTNERS)[Id]["start"]>> };
