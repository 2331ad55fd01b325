import type { HttpClient } from "../../src/connectors/http/http-client.js";
import type {
  CardVault,
  Challenge,
  ConnectorContext,
  ConnectorFailure,
  Credentials,
  InstitutionConnector,
  InstitutionMemory,
  Json,
  SecurityAnswers,
} from "../../src/connectors/types.js";
import type { Clock } from "../../src/lib/clock.js";

/**
 * What a connector brings to the contract suite (contract-suite.ts): how to start the world it
 * talks to, and users for each outcome the contract covers. A kit is the only per-connector
 * code; every connector passes the same tests.
 */
export interface ConnectorKit {
  /** Names the connector in test titles. */
  name: string;
  setUp(): Promise<ConnectorWorld>;
}

/** A user who is asked for MFA: `answer` gives the right answers to what was asked, `wrong` wrong ones. */
export interface MfaUser {
  credentials: Credentials;
  answer(challenges: readonly Challenge[]): SecurityAnswers;
  wrong(challenges: readonly Challenge[]): SecurityAnswers;
}

export interface ConnectorWorld {
  connector: InstitutionConnector;
  /** How a new process builds the same connector: a module of the compiled program (dist/), its export and JSON arguments. */
  factory: { module: string; exportName: string; args: Json[] };
  /** The connector's network: whatever the simulators need (loopback allowed), recorded by the suite. */
  http: HttpClient;
  /** JSON the child process needs to build `http` again (the simulators' origins). */
  httpPolicy: Json;
  users: {
    /** Logs in without MFA (a bank whose every user is asked has none). */
    noMfa?: Credentials;
    /** One round of challenges. */
    oneRound?: MfaUser;
    /** Two or more rounds. */
    severalRounds?: MfaUser;
    /** Each refused at the login with its catalogued code. */
    refused: Array<{ credentials: Credentials; code: ConnectorFailure }>;
    /** Never answers: the caller's timeout must bound it. */
    hanging?: Credentials;
  };
  tearDown(): Promise<void>;
}

/**
 * The durable part of a connector's context — the institution memory and each card's vault —
 * kept as JSON, so that a "restarted" context, in this process or another, sees exactly what
 * the previous one wrote.
 */
export class DurableContextState {
  memory: Record<string, Json> = {};
  vaults: Record<string, Json> = {};

  context(clock: Clock, http: HttpClient, cardKey: string): ConnectorContext {
    const memory: InstitutionMemory = {
      read: async (key) => this.memory[key] ?? null,
      write: async (key, value) => {
        this.memory[key] = JSON.parse(JSON.stringify(value)) as Json;
      },
    };
    const vault: CardVault = {
      read: async () => this.vaults[cardKey] ?? null,
      write: async (value) => {
        this.vaults[cardKey] = JSON.parse(JSON.stringify(value)) as Json;
      },
    };
    // The suite plays a person answering the challenges.
    return { clock, randomInt: () => 0, memory, http, vault, attended: true };
  }
}
