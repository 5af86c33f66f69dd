import type { AnyConnector, PartnerId } from "./types";
import { reverbConnector } from "./reverb";
import { reversioConnector } from "./reversio";
import { testfreaksConnector } from "./testfreaks";

export const connectors: Record<PartnerId, AnyConnector> = {
  reverb: reverbConnector,
  reversio: reversioConnector,
  testfreaks: testfreaksConnector,
};
