import type { ConnectorContext, Credentials, InstitutionConnector, SecurityAnswers } from "../../../src/connectors/types.js";
import { MemoryCardVault, startOfxSimHarness } from "./ofx-sim-harness.js";

/**
 * What a connector contract suite needs of the OFX connector: the simulator on 127.0.0.1:0,
 * the connector for its current bank, credentials for each outcome, a context per step (the
 * card's vault shared) and a teardown.
 */
export interface OfxConnectorKit {
  connector: InstitutionConnector;
  credentials: {
    authorized: Credentials;
    /** One MFA round; `answers` answers it. */
    challenged: { credentials: Credentials; answers: SecurityAnswers; wrongAnswers: SecurityAnswers };
    twoRounds: Credentials;
    invalidPassword: Credentials;
    disabledLogin: Credentials;
    retryLater: Credentials;
    /** Never answers: give the connector a short timeout to see RETRY_LATER. */
    hanging: Credentials;
  };
  /** A fresh context for one step of one card (pass the same vault for the same card). */
  context(vault?: MemoryCardVault): ConnectorContext;
  close(): Promise<void>;
}

const as = (username: string, password = "Everyday"): Credentials => ({ username, password, language: "en" });

export async function startOfxConnectorKit(ofxVersion: 160 | 211 = 211): Promise<OfxConnectorKit> {
  const sim = await startOfxSimHarness();
  return {
    connector: sim.connector("ofxsim", { ofxVersion, timeoutSeconds: 2 }),
    credentials: {
      authorized: as("greatday_nomfa"),
      challenged: {
        credentials: as("Greatday"),
        answers: { "What city were you born in?": ["Montreal"] },
        wrongAnswers: { "What city were you born in?": ["Paris"] },
      },
      twoRounds: as("mfa_rounds_2"),
      invalidPassword: as("greatday_nomfa", "wrong"),
      disabledLogin: as("test_disabled_account"),
      retryLater: as("test_service_unavailable"),
      hanging: as("test_hanging"),
    },
    context: (vault = new MemoryCardVault()) => sim.context(vault),
    close: () => sim.close(),
  };
}
