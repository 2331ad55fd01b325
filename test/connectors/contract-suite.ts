import { execFile } from "node:child_process";
import dns from "node:dns";
import net from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { boundedStep } from "../../src/connectors/bounded-call.js";
import type { HttpClient } from "../../src/connectors/http/http-client.js";
import type { Challenge, Credentials, FetchResult, Json, StepResult } from "../../src/connectors/types.js";
import { errorCatalog } from "../../src/errors/catalog.js";
import { systemClock } from "../../src/lib/clock.js";
import { aggregatedDataProblems } from "./aggregated-data-problems.js";
import { type ConnectorKit, type ConnectorWorld, DurableContextState, type MfaUser } from "./connector-kit.js";

const CHALLENGE_TYPES = new Set([
  "QuestionAndAnswer",
  "MultipleChoice",
  "MultipleChoiceMultipleAnswers",
  "ImageSelection",
  "TextOrCall",
  "TextOnly",
]);
const MAX_ROUNDS = 10;

/** Where the compiled program is (the suite's beforeAll builds it); the child steps import from it. */
export interface CompiledProgram {
  distRoot(): string;
}

/**
 * The contract every connector keeps, whatever institution it reaches: logins end authorized,
 * challenged or refused with a catalogued code; state between steps is JSON only and a step
 * continues from it in a fresh context or another process; MFA takes as many rounds as the
 * bank asks; data comes back in the shape bankgate stores; a hanging bank is bounded by the
 * caller; and the connector does no network I/O but through its context.
 */
export function describeConnectorContract(kit: ConnectorKit, program: CompiledProgram): void {
  describe(`connector contract: ${kit.name}`, () => {
    let world: ConnectorWorld;
    let durable: DurableContextState;
    let http: HttpClient;
    const io = new IoWatch();

    beforeAll(async () => {
      world = await kit.setUp();
      http = io.wrap(world.http);
      io.start();
    });
    // Every test starts with cards the institution has never seen: a bank that remembers a
    // device (an OFX ACCESSKEY in the card's vault) rightly stops asking MFA, and a one-time
    // credential (a SimpleFIN setup token) is spent by the card that claimed it.
    beforeEach(() => {
      durable = new DurableContextState();
    });
    afterAll(async () => {
      io.stop();
      await world?.tearDown();
    });

    /** A context as a freshly started process has it: only the durable memory and vaults carry over. */
    const freshContext = (credentials: Credentials) => durable.context(systemClock, http, cardKeyOf(credentials));

    /** Logs a user in to the end, answering every round right; the final state, as JSON, and who it was. */
    async function authorizedLogin(): Promise<{ state: Json; credentials: Credentials }> {
      const user = world.users.oneRound ?? world.users.severalRounds;
      const credentials = world.users.noMfa ?? user?.credentials;
      if (!credentials) throw new Error("the kit has no user who can log in");
      let result = await world.connector.start(credentials, freshContext(credentials));
      for (let round = 0; result.kind === "challenged" && user && round < MAX_ROUNDS; round++) {
        result = await world.connector.answer(user.answer(result.challenges), roundTrip(result.connectorState), freshContext(credentials));
      }
      expect(result.kind).toBe("authorized");
      return { state: stateOf(result), credentials };
    }

    it("logs in without MFA: authorized, with a state that is JSON only", async ({ skip }) => {
      const { noMfa } = world.users;
      if (!noMfa) return skip();
      const result = await world.connector.start(noMfa, freshContext(noMfa));
      expect(result.kind).toBe("authorized");
      expect(jsonOnly(stateOf(result))).toBe(true);
    });

    it("fetches data from the serialized state in a fresh context, in the shape bankgate stores", async () => {
      const { state, credentials } = await authorizedLogin();
      expect(jsonOnly(state)).toBe(true);
      const fetched = await world.connector.fetchData(roundTrip(state), freshContext(credentials));
      expect(fetched.kind).toBe("data");
      if (fetched.kind === "data") expect(aggregatedDataProblems(fetched.data)).toEqual([]);
    });

    it("fetches the data in another process, from the serialized state and the durable context alone", async () => {
      const { state, credentials } = await authorizedLogin();
      const fetched = await inChild<FetchResult>("fetchData", { state }, credentials);
      expect(fetched.kind).toBe("data");
      if (fetched.kind === "data") expect(aggregatedDataProblems(fetched.data)).toEqual([]);
    });

    it("refuses each refused user with its catalogued code", async () => {
      expect(world.users.refused.length).toBeGreaterThan(0);
      for (const { credentials, code } of world.users.refused) {
        const result = await world.connector.start(credentials, freshContext(credentials));
        expect({ user: credentials.username, result }).toEqual({ user: credentials.username, result: { kind: "failed", code } });
        expect(errorCatalog).toHaveProperty(code);
      }
    });

    const mfa = (pick: (w: ConnectorWorld) => MfaUser | undefined) => () => pick(world);

    it("asks well-formed challenges and takes the answer from the serialized state after a restart", async ({ skip }) => {
      const user = mfa((w) => w.users.oneRound)();
      if (!user) return skip();
      const asked = await world.connector.start(user.credentials, freshContext(user.credentials));
      expect(asked.kind).toBe("challenged");
      if (asked.kind !== "challenged") return;
      expect(challengeProblems(asked.challenges)).toEqual([]);
      const answered = await world.connector.answer(
        user.answer(asked.challenges),
        roundTrip(asked.connectorState),
        freshContext(user.credentials),
      );
      expect(answered.kind).toBe("authorized");
    });

    it("takes the answer, and fetches the data, in another process", async ({ skip }) => {
      const user = mfa((w) => w.users.oneRound ?? w.users.severalRounds)();
      if (!user) return skip();
      const asked = await world.connector.start(user.credentials, freshContext(user.credentials));
      if (asked.kind !== "challenged") throw new Error(`expected a challenge, got ${asked.kind}`);
      const answered = await inChild<StepResult>(
        "answer",
        { answers: user.answer(asked.challenges), state: asked.connectorState },
        user.credentials,
      );
      // A bank that asks again: answer the remaining rounds here, then fetch in the child.
      let result = answered;
      for (let round = 0; result.kind === "challenged" && round < MAX_ROUNDS; round++) {
        result = await world.connector.answer(
          user.answer(result.challenges),
          roundTrip(result.connectorState),
          freshContext(user.credentials),
        );
      }
      expect(result.kind).toBe("authorized");
      const fetched = await inChild<FetchResult>("fetchData", { state: stateOf(result) }, user.credentials);
      expect(fetched.kind).toBe("data");
      if (fetched.kind === "data") expect(aggregatedDataProblems(fetched.data)).toEqual([]);
    });

    it("refuses a wrong answer with INVALID_SECURITY_RESPONSE", async ({ skip }) => {
      const user = mfa((w) => w.users.oneRound ?? w.users.severalRounds)();
      if (!user) return skip();
      const asked = await world.connector.start(user.credentials, freshContext(user.credentials));
      if (asked.kind !== "challenged") throw new Error(`expected a challenge, got ${asked.kind}`);
      const answered = await world.connector.answer(
        user.wrong(asked.challenges),
        roundTrip(asked.connectorState),
        freshContext(user.credentials),
      );
      expect(answered).toEqual({ kind: "failed", code: "INVALID_SECURITY_RESPONSE" });
    });

    it("asks as many rounds as the bank does, each answered from the previous state", async ({ skip }) => {
      const user = mfa((w) => w.users.severalRounds)();
      if (!user) return skip();
      let result = await world.connector.start(user.credentials, freshContext(user.credentials));
      let rounds = 0;
      while (result.kind === "challenged" && rounds < MAX_ROUNDS) {
        rounds++;
        expect(challengeProblems(result.challenges)).toEqual([]);
        result = await world.connector.answer(
          user.answer(result.challenges),
          roundTrip(result.connectorState),
          freshContext(user.credentials),
        );
      }
      expect(result.kind).toBe("authorized");
      expect(rounds).toBeGreaterThanOrEqual(2);
    });

    it("is bounded by the caller when the institution hangs: RETRY_LATER, nothing thrown", async ({ skip }) => {
      const hanging = world.users.hanging;
      if (!hanging) return skip();
      const result = await boundedStep(() => world.connector.start(hanging, freshContext(hanging)), 0.5);
      expect(result).toEqual({ kind: "failed", code: "RETRY_LATER" });
    });

    it("did no network I/O but through its context", () => {
      expect(io.outside).toEqual([]);
    });

    /** One step in a child process built from the compiled program, the durable context carried over as JSON. */
    async function inChild<T>(
      step: "answer" | "fetchData",
      input: { answers?: unknown; state: Json },
      credentials: Credentials,
    ): Promise<T> {
      const payload = JSON.stringify({
        distRoot: program.distRoot(),
        factory: world.factory,
        httpPolicy: world.httpPolicy,
        step,
        ...input,
        memory: durable.memory,
        vaults: durable.vaults,
        cardKey: cardKeyOf(credentials),
        nowMs: Date.now(),
      });
      const stdout = await new Promise<string>((resolve, reject) => {
        const child = execFile(
          process.execPath,
          [new URL("./step-in-child.mjs", import.meta.url).pathname],
          { timeout: 30_000 },
          (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out)),
        );
        child.stdin?.end(payload);
      });
      const output = JSON.parse(stdout) as { result: T; memory: DurableContextState["memory"]; vaults: DurableContextState["vaults"] };
      durable.memory = output.memory;
      durable.vaults = output.vaults;
      return output.result;
    }
  });
}

function cardKeyOf(credentials: Credentials): string {
  return `${credentials.username.trim().toLowerCase()}|${credentials.language}`;
}

function stateOf(result: StepResult): Json {
  if (result.kind === "failed") throw new Error(`the step failed: ${result.code}`);
  return result.connectorState;
}

function roundTrip(state: Json): Json {
  return JSON.parse(JSON.stringify(state)) as Json;
}

/** JSON only: what JSON.stringify keeps is all there is (no undefined, Date, Map, function, NaN…). */
function jsonOnly(value: unknown): boolean {
  if (value === null || typeof value === "string" || typeof value === "boolean") return true;
  if (typeof value === "number") return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(jsonOnly);
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) return Object.values(value).every(jsonOnly);
  return false;
}

function challengeProblems(challenges: readonly Challenge[]): string[] {
  if (challenges.length === 0) return ["no challenges"];
  return challenges.flatMap((c) => {
    const problems: string[] = [];
    if (!CHALLENGE_TYPES.has(c.type)) problems.push(`type ${c.type}`);
    if (!c.prompt.trim()) problems.push("empty prompt");
    const needsChoices = ["MultipleChoice", "MultipleChoiceMultipleAnswers", "ImageSelection", "TextOrCall"].includes(c.type);
    if (needsChoices && !c.iterables?.length) problems.push(`${c.type} "${c.prompt}" without iterables`);
    return problems;
  });
}

/**
 * Watches the process's own outbound network use while the suite runs: a socket connect or
 * DNS lookup that does not happen inside a request of the context's HttpClient is I/O the
 * connector did on its own.
 */
class IoWatch {
  readonly outside: string[] = [];
  #inFlight = 0;
  #restore: Array<() => void> = [];

  wrap(http: HttpClient): HttpClient {
    return {
      request: async (request) => {
        this.#inFlight++;
        try {
          return await http.request(request);
        } finally {
          this.#inFlight--;
        }
      },
    };
  }

  start(): void {
    const watch = this;
    const connect = net.Socket.prototype.connect;
    net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
      if (watch.#inFlight === 0) watch.outside.push(`socket connect ${JSON.stringify(args[0]).slice(0, 120)}`);
      return (connect as (...a: unknown[]) => net.Socket).apply(this, args);
    } as typeof connect;
    const lookup = dns.lookup;
    dns.lookup = ((...args: unknown[]) => {
      if (watch.#inFlight === 0) watch.outside.push(`dns lookup ${String(args[0])}`);
      return (lookup as (...a: unknown[]) => unknown)(...args);
    }) as typeof dns.lookup;
    this.#restore = [
      () => {
        net.Socket.prototype.connect = connect;
      },
      () => {
        dns.lookup = lookup;
      },
    ];
  }

  stop(): void {
    for (const restore of this.#restore) restore();
  }
}
