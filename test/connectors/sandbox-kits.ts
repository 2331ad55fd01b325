import { GuardedHttpClient } from "../../src/connectors/http/guarded-http-client.js";
import type { SandboxBank } from "../../src/connectors/sandbox/sandbox-bank.js";
import { createSandboxInstitution, SANDBOX_BANKS } from "../../src/connectors/sandbox/sandbox-banks.js";
import { SANDBOX_IMAGES, SANDBOX_SECURITY_CODE } from "../../src/connectors/sandbox/scenarios.js";
import type { Challenge, Credentials, SecurityAnswers } from "../../src/connectors/types.js";
import type { ConnectorKit, MfaUser } from "./connector-kit.js";

const TIMING = { pendingSeconds: 0, dispatchedSeconds: 0, slowSeconds: 0 };
const POLICY = { allowHttp: false, allowPrivateAddresses: false };

/** The sandbox banks' right answers, by what they ask (docs/sandbox.md). */
const RIGHT: Readonly<Record<string, string>> = {
  "What city were you born in?": "Montreal",
  "What is the best country on earth?": "Canada",
  "What shape do people like most?": "Triangle",
  "Which street did you grow up on?": "Oak Avenue",
  "Select your security image": SANDBOX_IMAGES[1] ?? "",
  "Enter the security code you received": SANDBOX_SECURITY_CODE,
};

function answersTo(challenges: readonly Challenge[]): SecurityAnswers {
  return Object.fromEntries(
    challenges.map((c) => (c.type === "TextOrCall" ? [c.iterables?.[0] ?? c.prompt, ["Text"]] : [c.prompt, [RIGHT[c.prompt] ?? "?"]])),
  );
}

function wrongTo(challenges: readonly Challenge[]): SecurityAnswers {
  return Object.fromEntries(challenges.map((c) => [c.prompt, ["certainly not the answer"]]));
}

function roundsOf(bank: SandboxBank): number {
  const login = bank.everyUser?.login;
  return login?.kind === "script" ? login.steps.length : 1;
}

const user = (username: string, password = "Everyday"): Credentials => ({ username, password, language: "en" });
const mfaUser = (username: string): MfaUser => ({ credentials: user(username), answer: answersTo, wrong: wrongTo });

/** One kit per sandbox bank: FlinksCapital's catalogue covers every outcome; the others one MFA style each. */
export const sandboxKits: ConnectorKit[] = SANDBOX_BANKS.map((bank) => ({
  name: `${bank.id} (sandbox)`,
  setUp: async () => {
    const flinksCapital = bank.id === "FlinksCapital";
    return {
      connector: createSandboxInstitution(bank.id, TIMING),
      factory: { module: "connectors/sandbox/sandbox-banks.js", exportName: "createSandboxInstitution", args: [bank.id, TIMING] },
      // The sandbox banks need no network: the strictest policy, and the suite checks they never use it.
      http: new GuardedHttpClient(POLICY),
      httpPolicy: POLICY,
      users: flinksCapital
        ? {
            noMfa: user("greatday_nomfa"),
            oneRound: mfaUser("mfa_rounds_1"),
            severalRounds: mfaUser("mfa_rounds_3"),
            refused: [
              { credentials: user("Greatday", "not the password"), code: "INVALID_PASSWORD" },
              { credentials: user("nobody_at_this_bank"), code: "INVALID_USERNAME" },
              { credentials: user("test_disabled_account"), code: "DISABLED_LOGIN" },
              { credentials: user("test_service_unavailable"), code: "RETRY_LATER" },
            ],
            hanging: user("test_hanging"),
          }
        : {
            // Every user of these banks meets the bank's one MFA style, in one round or several.
            ...(roundsOf(bank) > 1 ? { severalRounds: mfaUser("anyone") } : { oneRound: mfaUser("anyone") }),
            refused: [{ credentials: user("anyone", "not the password"), code: "INVALID_PASSWORD" }],
          },
      tearDown: async () => {},
    };
  },
}));
