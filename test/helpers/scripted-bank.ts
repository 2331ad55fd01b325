import { ConnectorRegistry } from "../../src/connectors/registry.js";
import type { InstitutionConnector, Json } from "../../src/connectors/types.js";
import { flinksCapital } from "./test-app.js";

/**
 * A bank a test scripts while it runs: logins pass without MFA until the test sets
 * `question`, then every login asks it (what a real bank does when it adds a security
 * question). Data comes from the sandbox generator (`greatday_nomfa+<username>`), so
 * aggregation is the real one. `logins` counts calls that reached the bank.
 */
export interface ScriptedBank {
  connector: InstitutionConnector;
  question: { prompt: string; answer: string } | null;
  /** true: fetching the data fails (the aggregation errs). */
  failData: boolean;
  logins: number;
  /** Usernames of the logins that reached the bank, in order. */
  loginsOf(username: string): number;
}

interface ScriptedState {
  inner: Json;
  expects: string;
}

export function createScriptedBank(): ScriptedBank {
  const sandbox = flinksCapital();
  const usernames: string[] = [];
  const bank: ScriptedBank = {
    question: null,
    failData: false,
    logins: 0,
    loginsOf: (username) => usernames.filter((u) => u === username).length,
    connector: {
      id: "ScriptedBank",
      name: "Scripted Bank",
      institutionId: 9901,
      capabilities: new Set(["mfa"]),
      async start(credentials, ctx) {
        bank.logins++;
        usernames.push(credentials.username);
        const inner = await sandbox.start({ ...credentials, username: `greatday_nomfa+${credentials.username}` }, ctx);
        if (inner.kind !== "authorized" || !bank.question) return inner;
        const state: ScriptedState = { inner: inner.connectorState, expects: bank.question.answer };
        return {
          kind: "challenged",
          challenges: [{ type: "QuestionAndAnswer", prompt: bank.question.prompt }],
          connectorState: state as unknown as Json,
        };
      },
      async answer(answers, connectorState) {
        const state = connectorState as unknown as ScriptedState;
        const given = Object.values(answers)[0]?.[0] ?? "";
        return given.trim().toLowerCase() === state.expects.toLowerCase()
          ? { kind: "authorized", connectorState: state.inner }
          : { kind: "failed", code: "INVALID_SECURITY_RESPONSE" };
      },
      async fetchData(connectorState, ctx) {
        if (bank.failData) throw new Error("scripted bank: data unavailable");
        return sandbox.fetchData(connectorState, ctx);
      },
    },
  };
  return bank;
}

/** The sandbox bank and a scripted one, for createTestApp's `connectors`. */
export function registryWith(bank: ScriptedBank): ConnectorRegistry {
  return new ConnectorRegistry([flinksCapital(), bank.connector]);
}
