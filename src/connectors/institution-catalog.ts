import type { Config } from "../config/config.js";
import type { SelfAddress } from "../lib/self-address.js";
import type { OfxInstitution } from "./ofx/institution-directory.js";
import { loadInstitutionDirectory } from "./ofx/load-institution-directory.js";
import { createOfxConnector } from "./ofx/ofx-connector.js";
import { ConnectorRegistry } from "./registry.js";
import { createSandboxRegistry } from "./sandbox/sandbox-banks.js";
import { createSimpleFinConnector } from "./simplefin/simplefin-connector.js";
import type { InstitutionConnector } from "./types.js";

/** Where the built-in simulators are mounted (src/app.ts mounts them there). */
export const SIMULATOR_PATHS = { simplefin: "/sim/simplefin", ofx: "/sim/ofx" } as const;

/** The sandbox institutions that reach the built-in simulators, and the simulator bank the OFX one plays. */
export const SIMULATED_INSTITUTIONS = { simplefin: "SimpleFINSandbox", ofx: "OFXCreditUnion", ofxSimBank: "ofxsim" } as const;

export interface InstitutionCatalog {
  registry: ConnectorRegistry;
  /** True for the institutions that reach this server's own simulators (their URLs are its own origin). */
  reachesSelf(institution: string): boolean;
}

/**
 * Every institution this deployment reaches: the sandbox banks always; with the simulators on,
 * a SimpleFIN and an OFX institution in front of them (sandbox institutions, over real HTTP);
 * the real SimpleFIN when BANKGATE_SIMPLEFIN is on; and the OFX banks of
 * BANKGATE_INSTITUTIONS_FILE.
 */
export async function createInstitutionCatalog(
  config: Config,
  options: { simulators: boolean; selfAddress: SelfAddress },
): Promise<InstitutionCatalog> {
  const { sandbox, connectors } = config;
  const simulated = options.simulators ? simulatorInstitutions(options.selfAddress, connectors.simplefinDailyRequests) : [];
  const real: InstitutionConnector[] = [
    ...(connectors.simplefin ? [createSimpleFinConnector({ dailyRequestBudget: connectors.simplefinDailyRequests })] : []),
    ...(connectors.institutionsFile ? (await loadInstitutionDirectory(connectors.institutionsFile)).map(createOfxConnector) : []),
  ];
  const registry = new ConnectorRegistry([
    ...createSandboxRegistry({
      pendingSeconds: sandbox.pendingSeconds,
      dispatchedSeconds: sandbox.dispatchedSeconds,
      slowSeconds: sandbox.slowSeconds,
    }).list(),
    ...simulated,
    ...real,
  ]);
  const selfReaching = new Set(simulated.map((connector) => connector.id.toLowerCase()));
  return { registry, reachesSelf: (institution) => selfReaching.has(institution.trim().toLowerCase()) };
}

function simulatorInstitutions(selfAddress: SelfAddress, dailyRequestBudget: number): InstitutionConnector[] {
  const simplefin = createSimpleFinConnector({
    id: SIMULATED_INSTITUTIONS.simplefin,
    name: "SimpleFIN (sandbox)",
    institutionId: 9101,
    sandbox: true,
    dailyRequestBudget,
    helpUrl: `${SIMULATOR_PATHS.simplefin}/create`,
  });
  const ofxBank: OfxInstitution = {
    id: SIMULATED_INSTITUTIONS.ofx,
    name: "OFX Credit Union (sandbox)",
    institutionId: 9102,
    // Read at each request: the server's own origin is final only once it listens.
    get url() {
      return `${selfAddress.origin()}${SIMULATOR_PATHS.ofx}/${SIMULATED_INSTITUTIONS.ofxSimBank}`;
    },
    org: "OFXSIM",
    fid: "7001",
    ofxVersion: 220,
    appId: "QWIN",
    appVer: "2700",
    clientUidRequired: true,
    extraHeaders: {},
    historyDays: 365,
    windowDays: 90,
    country: "US",
    timeoutSeconds: 30,
  };
  return [simplefin, { ...createOfxConnector(ofxBank), sandbox: true }];
}
