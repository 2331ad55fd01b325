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

type Scenario = "mfa" | "no_mfa" | "disabled" | "unavailable";

const SCENARIOS: Readonly<Record<string, Scenario>> = {
  greatday: "mfa",
  greatday_nomfa: "no_mfa",
  test_disabled_account: "disabled",
  test_service_unavailable: "unavailable",
  // test_pending / test_dispatched are about aggregation timing; their login is Greatday's.
  test_pending: "mfa",
  test_dispatched: "mfa",
};

interface FlinksCapitalState {
  /** Normalized username: seeds the generated data, so each card has its own. */
  seed: string;
  language: "en" | "fr";
  questionIndex: number | null;
}

export function createFlinksCapital(): InstitutionConnector {
  return {
    id: "FlinksCapital",
    name: "FlinksCapital",
    institutionId: 14,
    capabilities: new Set(["mfa"]),

    async start(credentials: Credentials, ctx: ConnectorContext): Promise<StepResult> {
      const seed = credentials.username.trim().toLowerCase();
      const scenario = SCENARIOS[seed.split("+")[0] ?? ""];
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
      return generateBankData(fromJson(connectorState).seed, ctx.clock.now());
    },
  };
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
