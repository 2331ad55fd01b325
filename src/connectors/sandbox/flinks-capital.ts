import type { Challenge, ConnectorContext, Credentials, InstitutionConnector, Json, SecurityAnswers, StepResult } from "../types.js";
import { generateBankData } from "./generate-bank-data.js";

/**
 * Flinks' own dummy bank (toolbox/sandbox), with the test users of Flinks' docs
 * (flinks-api.md §12). `Greatday+anything` behaves like `Greatday` but is another card, so
 * tests and load runs can hold many cards without colliding on one LoginId.
 */
const PASSWORD = "everyday";

const QUESTIONS: ReadonlyArray<{ en: string; fr: string; answers: string[] }> = [
  { en: "What city were you born in?", fr: "Dans quelle ville êtes-vous né?", answers: ["montreal"] },
  { en: "What is the best country on earth?", fr: "Quel est le meilleur pays au monde?", answers: ["canada"] },
  { en: "What shape do people like most?", fr: "Quelle forme les gens aiment-ils le plus?", answers: ["triangle"] },
];

type Scenario = "mfa" | "no_mfa" | "disabled" | "unavailable" | "pending" | "dispatched";

const SCENARIOS: Readonly<Record<string, Scenario>> = {
  greatday: "mfa",
  greatday_nomfa: "no_mfa",
  test_disabled_account: "disabled",
  test_service_unavailable: "unavailable",
  // Greatday's login, then a slow aggregation (flinks-api.md §12).
  test_pending: "pending",
  test_dispatched: "dispatched",
};

interface FlinksCapitalState {
  /** Normalized username: seeds the generated data, so each card has its own. */
  seed: string;
  language: "en" | "fr";
  questionIndex: number | null;
}

/** Aggregation timing of the slow sandbox users, configurable so tests need not wait minutes. */
export interface SandboxTiming {
  /** test_pending: the bank starts aggregating this many seconds after the login. */
  pendingSeconds: number;
  /** test_dispatched: the aggregation itself takes this long (past the 210 s sync wait by default). */
  dispatchedSeconds: number;
}

export function createFlinksCapital(timing: SandboxTiming): InstitutionConnector {
  return {
    id: "FlinksCapital",
    name: "FlinksCapital",
    institutionId: 14,
    capabilities: new Set(["mfa"]),

    async start(credentials: Credentials, ctx: ConnectorContext): Promise<StepResult> {
      const seed = credentials.username.trim().toLowerCase();
      const scenario = scenarioOf(seed);
      if (!scenario) return { kind: "failed", code: "INVALID_USERNAME" };
      if (credentials.password.toLowerCase() !== PASSWORD) return { kind: "failed", code: "INVALID_PASSWORD" };
      if (scenario === "disabled") return { kind: "failed", code: "DISABLED_LOGIN" };
      if (scenario === "unavailable") return { kind: "failed", code: "RETRY_LATER" };
      if (scenario === "no_mfa") return authorized({ seed, language: credentials.language, questionIndex: null });
      const state: FlinksCapitalState = {
        seed,
        language: credentials.language,
        questionIndex: ctx.randomInt(QUESTIONS.length),
      };
      return { kind: "challenged", challenges: [challengeOf(state)], connectorState: toJson(state) };
    },

    async answer(answers: SecurityAnswers, connectorState: Json): Promise<StepResult> {
      const state = fromJson(connectorState);
      const question = QUESTIONS[state.questionIndex ?? -1];
      if (!question) return { kind: "failed", code: "INVALID_SECURITY_RESPONSE" };
      const given = answers[challengeOf(state).prompt] ?? [];
      const correct = given.length === 1 && question.answers.includes(normalizeAnswer(given[0] ?? ""));
      return correct ? authorized(state) : { kind: "failed", code: "INVALID_SECURITY_RESPONSE" };
    },

    async fetchData(connectorState: Json, ctx: ConnectorContext) {
      const { seed } = fromJson(connectorState);
      if (scenarioOf(seed) === "dispatched")
        await ctx.clock.sleepUntil(new Date(ctx.clock.now().getTime() + timing.dispatchedSeconds * 1000));
      return generateBankData(seed, ctx.clock.now());
    },

    aggregationDelaySeconds(connectorState: Json): number {
      return scenarioOf(fromJson(connectorState).seed) === "pending" ? timing.pendingSeconds : 0;
    },
  };
}

/** The user's behaviour; `Greatday+anything` behaves like `Greatday` on a card of its own. */
function scenarioOf(seed: string): Scenario | undefined {
  return SCENARIOS[seed.split("+")[0] ?? ""];
}

function challengeOf(state: FlinksCapitalState): Challenge {
  const question = QUESTIONS[state.questionIndex ?? 0] ?? QUESTIONS[0];
  return { type: "QuestionAndAnswer", prompt: question?.[state.language] ?? "" };
}

function authorized(state: FlinksCapitalState): StepResult {
  return { kind: "authorized", connectorState: toJson(state) };
}

/** Banks compare answers loosely: case, accents and surrounding spaces do not matter. */
function normalizeAnswer(answer: string): string {
  return answer
    .normalize("NFD")
    .replace(/\p{Diacritic}/gu, "")
    .trim()
    .toLowerCase();
}

function toJson(state: FlinksCapitalState): Json {
  return { seed: state.seed, language: state.language, questionIndex: state.questionIndex };
}

function fromJson(json: Json): FlinksCapitalState {
  return json as unknown as FlinksCapitalState;
}
