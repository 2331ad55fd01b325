import type { Challenge, ConnectorContext, Credentials, InstitutionConnector, Json, SecurityAnswers, StepResult } from "../types.js";
import { generateBankData } from "./generate-bank-data.js";
import { normalizeAnswer, type Round, SCENARIOS, type Scenario } from "./scenarios.js";

/**
 * Flinks' own dummy bank (toolbox/sandbox), with the test users of Flinks' docs
 * (flinks-api.md §12) and bankgate's own scenario catalogue (scenarios.ts, docs/sandbox.md).
 * `Greatday+anything` behaves like `Greatday` but is another card, so tests and load runs can
 * hold many cards without colliding on one LoginId; any other user takes a suffix the same way.
 */
const PASSWORD = "everyday";

const QUESTIONS: ReadonlyArray<{ en: string; fr: string; answers: string[] }> = [
  { en: "What city were you born in?", fr: "Dans quelle ville êtes-vous né?", answers: ["montreal"] },
  { en: "What is the best country on earth?", fr: "Quel est le meilleur pays au monde?", answers: ["canada"] },
  { en: "What shape do people like most?", fr: "Quelle forme les gens aiment-ils le plus?", answers: ["triangle"] },
];

interface FlinksCapitalState {
  /** Normalized username: seeds the generated data, so each card has its own. */
  seed: string;
  language: "en" | "fr";
  /** Greatday's drawn question. */
  questionIndex: number | null;
  /** Scripted scenarios: the round being asked, and whether it was replaced after a wrong answer. */
  round: number;
  changed: boolean;
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
    sandbox: true,

    async start(credentials: Credentials, ctx: ConnectorContext): Promise<StepResult> {
      const seed = credentials.username.trim().toLowerCase();
      const scenario = scenarioOf(seed);
      if (!scenario) return { kind: "failed", code: "INVALID_USERNAME" };
      if (credentials.password.toLowerCase() !== PASSWORD) return { kind: "failed", code: "INVALID_PASSWORD" };
      const state: FlinksCapitalState = { seed, language: credentials.language, questionIndex: null, round: 0, changed: false };
      const { login } = scenario;
      switch (login.kind) {
        case "fail":
          return { kind: "failed", code: login.code };
        case "none":
          return authorized(state);
        case "random_question": {
          const questionIndex = ctx.randomInt(QUESTIONS.length);
          return challenged({ ...state, questionIndex }, [questionOf(questionIndex, state.language)]);
        }
        case "script":
          return challenged(state, challengesOf(login.rounds[0]));
      }
    },

    async answer(answers: SecurityAnswers, connectorState: Json): Promise<StepResult> {
      const state = fromJson(connectorState);
      const login = scenarioOf(state.seed)?.login;
      if (login?.kind === "script") return answerScript(login.rounds, login.changeOnWrong, answers, state);
      const question = QUESTIONS[state.questionIndex ?? -1];
      if (!question) return { kind: "failed", code: "INVALID_SECURITY_RESPONSE" };
      const given = answers[question[state.language]] ?? [];
      const correct = given.length === 1 && question.answers.includes(normalizeAnswer(given[0] ?? ""));
      return correct ? authorized(state) : { kind: "failed", code: "INVALID_SECURITY_RESPONSE" };
    },

    async fetchData(connectorState: Json, ctx: ConnectorContext) {
      const { seed } = fromJson(connectorState);
      const scenario = scenarioOf(seed);
      if (scenario?.timing === "dispatched")
        await ctx.clock.sleepUntil(new Date(ctx.clock.now().getTime() + timing.dispatchedSeconds * 1000));
      const data = generateBankData(seed, ctx.clock.now(), { loginType: scenario?.loginType ?? "Personal" });
      return scenario?.reshape ? scenario.reshape(data) : data;
    },

    aggregationDelaySeconds(connectorState: Json): number {
      return scenarioOf(fromJson(connectorState).seed)?.timing === "pending" ? timing.pendingSeconds : 0;
    },
  };
}

/**
 * A scripted round: all right → the next round (or authorized). A wrong answer fails the
 * attempt, except where the scenario changes its question instead: then the bank's 203 asks
 * the replacement (once), as a new challenge rather than a failure.
 */
function answerScript(rounds: Round[], changeOnWrong: Round | undefined, answers: SecurityAnswers, state: FlinksCapitalState): StepResult {
  const current = (state.changed ? changeOnWrong : rounds[state.round]) ?? [];
  const right = current.length > 0 && current.every((c) => c.accepts(answers));
  if (right) {
    const next = { ...state, round: state.round + 1, changed: false };
    const round = rounds[next.round];
    return round ? challenged(next, challengesOf(round)) : authorized(next);
  }
  if (changeOnWrong && !state.changed) return challenged({ ...state, changed: true }, challengesOf(changeOnWrong));
  return { kind: "failed", code: "INVALID_SECURITY_RESPONSE" };
}

/** The user's behaviour; `user+anything` behaves like `user` on a card of its own. */
function scenarioOf(seed: string): Scenario | undefined {
  return SCENARIOS[seed.split("+")[0] ?? ""];
}

function questionOf(index: number, language: "en" | "fr"): Challenge {
  const question = QUESTIONS[index] ?? QUESTIONS[0];
  return { type: "QuestionAndAnswer", prompt: question?.[language] ?? "" };
}

function challengesOf(round: Round | undefined): Challenge[] {
  return (round ?? []).map((c) => c.challenge);
}

function challenged(state: FlinksCapitalState, challenges: Challenge[]): StepResult {
  return { kind: "challenged", challenges, connectorState: toJson(state) };
}

function authorized(state: FlinksCapitalState): StepResult {
  return { kind: "authorized", connectorState: toJson(state) };
}

function toJson(state: FlinksCapitalState): Json {
  return { seed: state.seed, language: state.language, questionIndex: state.questionIndex, round: state.round, changed: state.changed };
}

/** States written before the scenario catalogue have no round: they are at the first. */
function fromJson(json: Json): FlinksCapitalState {
  const state = json as unknown as Partial<FlinksCapitalState> & Pick<FlinksCapitalState, "seed" | "language">;
  return { questionIndex: null, ...state, round: state.round ?? 0, changed: state.changed ?? false };
}
