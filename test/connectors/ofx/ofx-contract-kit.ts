import { GuardedHttpClient } from "../../../src/connectors/http/guarded-http-client.js";
import { createOfxConnector } from "../../../src/connectors/ofx/ofx-connector.js";
import type { Challenge, Credentials, Json, SecurityAnswers } from "../../../src/connectors/types.js";
import type { ConnectorKit, MfaUser } from "../connector-kit.js";
import { startOfxSimHarness } from "./ofx-sim-harness.js";

/** The simulator users' answers, by the prompt bankgate words their phrases with (docs/connectors/ofx.md). */
const RIGHT: Readonly<Record<string, string>> = {
  "What city were you born in?": "Montreal",
  "What is your favorite color?": "Blue",
};

const as = (username: string, password = "Everyday"): Credentials => ({ username, password, language: "en" });
const mfaUser = (username: string): MfaUser => ({
  credentials: as(username),
  answer: (challenges: readonly Challenge[]): SecurityAnswers =>
    Object.fromEntries(challenges.map((c) => [c.prompt, [RIGHT[c.prompt] ?? "?"]])),
  wrong: (challenges: readonly Challenge[]): SecurityAnswers => Object.fromEntries(challenges.map((c) => [c.prompt, ["certainly not"]])),
});

/**
 * The OFX connector for the contract suite: the OFX simulator on 127.0.0.1:0 (on the real
 * clock, which the suite's contexts read), its `ofxsim` bank (CLIENTUID, MFA, closing
 * information) spoken to in OFX 2.1.1 XML or 1.0.2 SGML, and the simulator's users for each
 * outcome (in 1.0.2, which has no MFA, nobody is challenged).
 */
export function ofxContractKit(ofxVersion: 102 | 211): ConnectorKit {
  return {
    name: `OFX Direct Connect ${ofxVersion} (simulator)`,
    setUp: async () => {
      const sim = await startOfxSimHarness({ start: new Date(), slowSeconds: 3600 });
      const institution = sim.institution("ofxsim", { ofxVersion, timeoutSeconds: 5 });
      const policy = { allowHttp: true, allowPrivateAddresses: false, trustedOrigins: [sim.origin] };
      return {
        connector: createOfxConnector(institution),
        factory: { module: "connectors/ofx/ofx-connector.js", exportName: "createOfxConnector", args: [institution as unknown as Json] },
        http: new GuardedHttpClient(policy),
        httpPolicy: policy,
        users: {
          noMfa: as("greatday_nomfa"),
          // MFACHALLENGE came with the 2006 extensions: a 1.0.2 signon is never asked.
          ...(ofxVersion === 102 ? {} : { oneRound: mfaUser("Greatday"), severalRounds: mfaUser("mfa_rounds_2") }),
          refused: [
            { credentials: as("greatday_nomfa", "not the password"), code: "INVALID_PASSWORD" },
            { credentials: as("nobody_at_this_bank"), code: "INVALID_PASSWORD" },
            { credentials: as("test_disabled_account"), code: "DISABLED_LOGIN" },
            { credentials: as("password_expired"), code: "PASSWORD_CHANGE_REQUIRED" },
            { credentials: as("call_the_bank"), code: "NEW_ACCOUNT" },
            { credentials: as("test_service_unavailable"), code: "RETRY_LATER" },
            { credentials: as("account_in_use"), code: "RETRY_LATER" },
            { credentials: as("html_error"), code: "RETRY_LATER" },
            { credentials: as("server_error"), code: "RETRY_LATER" },
          ],
          hanging: as("test_hanging"),
        },
        tearDown: () => sim.close(),
      };
    },
  };
}
