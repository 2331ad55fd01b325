import type { Challenge, ConnectorFailure, Json, SecurityAnswers, StepResult } from "../types.js";
import { normalizeAnswer, type Round, type Scenario, type ScriptStep, sameAnswers } from "./scenarios.js";
import type { ForcedLogin } from "./user-record.js";

/**
 * The sandbox banks' steps as pure functions of (scenario, state, answers): what a login or
 * an answer comes to at the bank. The connector shell (sandbox-bank.ts) does the waiting and
 * the remembering around them.
 */

export const QUESTIONS: ReadonlyArray<{ en: string; fr: string; answers: string[] }> = [
  { en: "What city were you born in?", fr: "Dans quelle ville êtes-vous né?", answers: ["montreal"] },
  { en: "What is the best country on earth?", fr: "Quel est le meilleur pays au monde?", answers: ["canada"] },
  { en: "What shape do people like most?", fr: "Quelle forme les gens aiment-ils le plus?", answers: ["triangle"] },
];

export interface SandboxState {
  /** Normalized username: seeds the generated data, so each card has its own. */
  seed: string;
  language: "en" | "fr";
  /** Greatday's drawn question. */
  questionIndex: number | null;
  /** Scripted scenarios: the step being asked, and whether it was replaced after a wrong answer. */
  round: number;
  changed: boolean;
  /** The control plane's forced question, with its answer, while it is pending. */
  forced: { prompt: string; answer: string } | null;
}

export function forcedStart(forced: ForcedLogin, state: SandboxState): StepResult {
  switch (forced.outcome) {
    case "authorized":
      return authorized(state);
    case "failed":
      return failed(forced.code);
    case "challenge":
      return challenged({ ...state, forced: { prompt: forced.prompt, answer: forced.answer } }, [
        { type: "QuestionAndAnswer", prompt: forced.prompt },
      ]);
  }
}

export function answerOf(scenario: Scenario, answers: SecurityAnswers, state: SandboxState): StepResult {
  if (state.forced)
    return sameAnswers(answers[state.forced.prompt], [state.forced.answer])
      ? authorized({ ...state, forced: null })
      : failed("INVALID_SECURITY_RESPONSE");
  const { login } = scenario;
  if (login.kind === "script") return answerScript(login.steps, login.changeOnWrong, answers, state);
  if (login.kind === "trusted_device") return answerScript([login.round], undefined, answers, state);
  const question = QUESTIONS[state.questionIndex ?? -1];
  if (!question) return failed("INVALID_SECURITY_RESPONSE");
  const given = answers[question[state.language]] ?? [];
  const correct = given.length === 1 && question.answers.includes(normalizeAnswer(given[0] ?? ""));
  return correct ? authorized(state) : failed("INVALID_SECURITY_RESPONSE");
}

/**
 * A scripted step: all right → the next step (a round, the bank's refusal, or authorized). A
 * wrong answer fails the attempt, except where the scenario changes its question instead: then
 * the bank's 203 asks the replacement (once), as a new challenge rather than a failure.
 */
function answerScript(steps: ScriptStep[], changeOnWrong: Round | undefined, answers: SecurityAnswers, state: SandboxState): StepResult {
  const step = state.changed ? changeOnWrong : steps[state.round];
  const current = typeof step === "string" ? [] : (step ?? []);
  const right = current.length > 0 && current.every((c) => c.accepts(answers));
  if (right) {
    const next = { ...state, round: state.round + 1, changed: false };
    return stepResult(steps[next.round], next);
  }
  if (changeOnWrong && !state.changed) return challenged({ ...state, changed: true }, challengesOf(changeOnWrong));
  return failed("INVALID_SECURITY_RESPONSE");
}

/** Where a script stands: a round to ask, the bank's refusal, or (past the last step) in. */
export function stepResult(step: ScriptStep | undefined, state: SandboxState): StepResult {
  if (step === undefined) return authorized(state);
  return typeof step === "string" ? failed(step) : challenged(state, challengesOf(step));
}

export function questionOf(index: number, language: "en" | "fr"): Challenge {
  const question = QUESTIONS[index] ?? QUESTIONS[0];
  return { type: "QuestionAndAnswer", prompt: question?.[language] ?? "" };
}

export function challengesOf(round: Round): Challenge[] {
  return round.map((c) => c.challenge);
}

export function failed(code: ConnectorFailure): StepResult {
  return { kind: "failed", code };
}

export function challenged(state: SandboxState, challenges: Challenge[]): StepResult {
  return { kind: "challenged", challenges, connectorState: toJson(state) };
}

export function authorized(state: SandboxState): StepResult {
  return { kind: "authorized", connectorState: toJson(state) };
}

function toJson(state: SandboxState): Json {
  return { ...state };
}

/** States written before the scenario catalogue have no round: they are at the first. */
export function fromJson(json: Json): SandboxState {
  const state = json as unknown as Partial<SandboxState> & Pick<SandboxState, "seed" | "language">;
  return { questionIndex: null, ...state, round: state.round ?? 0, changed: state.changed ?? false, forced: state.forced ?? null };
}
