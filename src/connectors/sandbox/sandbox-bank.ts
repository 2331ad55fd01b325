import type {
  Challenge,
  ConnectorContext,
  ConnectorFailure,
  Credentials,
  FetchResult,
  InstitutionConnector,
  Json,
  SecurityAnswers,
  StepResult,
} from "../types.js";
import { generateBankData } from "./generate-bank-data.js";
import { loadScript, scenarioOfScript } from "./scenario-script.js";
import { catalogueScenario, normalizeAnswer, type Round, type Scenario, type ScriptStep, sameAnswers } from "./scenarios.js";
import { type ForcedLogin, readUserRecord, type UserRecord, writeUserRecord } from "./user-record.js";

/**
 * The sandbox banks: Flinks' own dummy bank (toolbox/sandbox) with the test users of Flinks'
 * docs (flinks-api.md §12) and bankgate's scenario catalogue (scenarios.ts, docs/sandbox.md),
 * and a few more banks whose every user meets one MFA style (sandbox-banks.ts).
 * `user+anything` behaves like `user` but is another card, so tests and load runs can hold
 * many cards without colliding on one LoginId. What a bank remembers between logins (a
 * trusted device, wrong answers, a changed password) lives in the institution memory.
 */
const DEFAULT_PASSWORD = "everyday";

const QUESTIONS: ReadonlyArray<{ en: string; fr: string; answers: string[] }> = [
  { en: "What city were you born in?", fr: "Dans quelle ville êtes-vous né?", answers: ["montreal"] },
  { en: "What is the best country on earth?", fr: "Quel est le meilleur pays au monde?", answers: ["canada"] },
  { en: "What shape do people like most?", fr: "Quelle forme les gens aiment-ils le plus?", answers: ["triangle"] },
];

interface SandboxState {
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

/** Timing of the slow sandbox users, configurable so tests need not wait minutes. */
export interface SandboxTiming {
  /** test_pending: the bank starts aggregating this many seconds after the login. */
  pendingSeconds: number;
  /** test_dispatched: the aggregation itself takes this long (past the 210 s sync wait by default). */
  dispatchedSeconds: number;
  /** test_slow: every login and answer takes this long. */
  slowSeconds: number;
}

/** Who a sandbox bank is, and, for banks other than FlinksCapital, the one scenario all their users follow. */
export interface SandboxBank {
  id: string;
  name: string;
  institutionId: number;
  logoSvg: string;
  everyUser?: Scenario;
}

export function createSandboxBank(bank: SandboxBank, timing: SandboxTiming): InstitutionConnector {
  const scenarioOf = async (seed: string, ctx: ConnectorContext): Promise<Scenario | undefined> => {
    if (bank.everyUser) return bank.everyUser;
    const name = seed.split("+")[0] ?? "";
    const catalogued = catalogueScenario(name);
    if (catalogued) return catalogued;
    const script = await loadScript(ctx.memory, name);
    return script && scenarioOfScript(script);
  };
  const wait = (scenario: Scenario, ctx: ConnectorContext) => {
    const seconds = scenario.latency === "slow" ? timing.slowSeconds : (scenario.latency ?? 0);
    return seconds > 0 ? ctx.clock.sleepUntil(new Date(ctx.clock.now().getTime() + seconds * 1000)) : undefined;
  };

  return {
    id: bank.id,
    name: bank.name,
    institutionId: bank.institutionId,
    logoSvg: bank.logoSvg,
    capabilities: new Set(["mfa"]),
    sandbox: true,

    async start(credentials: Credentials, ctx: ConnectorContext): Promise<StepResult> {
      const seed = credentials.username.trim().toLowerCase();
      const scenario = await scenarioOf(seed, ctx);
      if (!scenario) return failed("INVALID_USERNAME");
      await wait(scenario, ctx);
      const record = await readUserRecord(ctx.memory, seed);
      if (isLocked(scenario, record)) return failed("DISABLED_LOGIN");
      if (credentials.password.toLowerCase() !== passwordOf(scenario, record)) return failed("INVALID_PASSWORD");
      const state: SandboxState = { seed, language: credentials.language, questionIndex: null, round: 0, changed: false, forced: null };
      if (record.nextLogin) {
        const forced = { ...record, nextLogin: null };
        await writeUserRecord(ctx.memory, seed, forced);
        return remember(seed, scenario, forcedStart(record.nextLogin, state), ctx);
      }
      const { login } = scenario;
      switch (login.kind) {
        case "fail":
          return failed(login.code);
        case "none":
          return remember(seed, scenario, authorized(state), ctx);
        case "random_question": {
          const questionIndex = ctx.randomInt(QUESTIONS.length);
          return challenged({ ...state, questionIndex }, [questionOf(questionIndex, state.language)]);
        }
        case "script":
          return remember(seed, scenario, stepResult(login.steps[0], state), ctx);
        case "flaky":
          if (record.retriesGiven >= login.failures) return remember(seed, scenario, authorized(state), ctx);
          await writeUserRecord(ctx.memory, seed, { ...record, retriesGiven: record.retriesGiven + 1 });
          return failed("RETRY_LATER");
        case "hang":
          return new Promise<never>(() => {});
        case "trusted_device":
          return record.trustedDevice ? remember(seed, scenario, authorized(state), ctx) : challenged(state, challengesOf(login.round));
      }
    },

    async answer(answers: SecurityAnswers, connectorState: Json, ctx: ConnectorContext): Promise<StepResult> {
      const state = fromJson(connectorState);
      const scenario = await scenarioOf(state.seed, ctx);
      if (!scenario) return failed("INVALID_SECURITY_RESPONSE");
      await wait(scenario, ctx);
      return remember(state.seed, scenario, answerOf(scenario, answers, state), ctx);
    },

    async fetchData(connectorState: Json, ctx: ConnectorContext): Promise<FetchResult> {
      const { seed } = fromJson(connectorState);
      const scenario = await scenarioOf(seed, ctx);
      if (scenario?.timing === "dispatched")
        await ctx.clock.sleepUntil(new Date(ctx.clock.now().getTime() + timing.dispatchedSeconds * 1000));
      const data = generateBankData(scenario?.seed ?? seed, ctx.clock.now(), {
        ...scenario?.data,
        loginType: scenario?.loginType ?? "Personal",
      });
      if (!scenario?.reshape) return { kind: "data", data };
      const { logins } = await readUserRecord(ctx.memory, seed);
      return { kind: "data", data: scenario.reshape(data, { logins }) };
    },

    aggregationDelaySeconds(connectorState: Json): number {
      const name = fromJson(connectorState).seed.split("+")[0] ?? "";
      return (bank.everyUser ?? catalogueScenario(name))?.timing === "pending" ? timing.pendingSeconds : 0;
    },
  };
}

/**
 * What the bank writes down after a step: a login let through counts (and makes a trusted
 * device of a trusted_device user's), a right answer clears the wrong ones, and a wrong answer
 * to a bank that locks may be the one that locks the login.
 */
async function remember(seed: string, scenario: Scenario, result: StepResult, ctx: ConnectorContext): Promise<StepResult> {
  if (!remembersUsers(scenario)) return result;
  const record = await readUserRecord(ctx.memory, seed);
  if (result.kind === "authorized") {
    const trustedDevice = record.trustedDevice || scenario.login.kind === "trusted_device";
    await writeUserRecord(ctx.memory, seed, { ...record, logins: record.logins + 1, wrongAnswers: 0, trustedDevice });
    return result;
  }
  const lockAt = scenario.lockAfterWrongAnswers;
  if (lockAt === undefined || result.kind !== "failed" || result.code !== "INVALID_SECURITY_RESPONSE") return result;
  const wrongAnswers = record.wrongAnswers + 1;
  await writeUserRecord(ctx.memory, seed, { ...record, wrongAnswers });
  return wrongAnswers >= lockAt ? failed("DISABLED_LOGIN") : result;
}

/** Most users need nothing remembered but a forced outcome: their logins cost no writes. */
function remembersUsers(scenario: Scenario): boolean {
  const { kind } = scenario.login;
  return (
    kind === "trusted_device" ||
    scenario.lockAfterWrongAnswers !== undefined ||
    scenario.passwordAfterFirstLogin !== undefined ||
    scenario.reshape !== undefined
  );
}

function isLocked(scenario: Scenario, record: UserRecord): boolean {
  return scenario.lockAfterWrongAnswers !== undefined && record.wrongAnswers >= scenario.lockAfterWrongAnswers;
}

function passwordOf(scenario: Scenario, record: UserRecord): string {
  const changed = record.logins > 0 ? scenario.passwordAfterFirstLogin : undefined;
  return (changed ?? scenario.password ?? DEFAULT_PASSWORD).toLowerCase();
}

function forcedStart(forced: ForcedLogin, state: SandboxState): StepResult {
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

function answerOf(scenario: Scenario, answers: SecurityAnswers, state: SandboxState): StepResult {
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
function stepResult(step: ScriptStep | undefined, state: SandboxState): StepResult {
  if (step === undefined) return authorized(state);
  return typeof step === "string" ? failed(step) : challenged(state, challengesOf(step));
}

function questionOf(index: number, language: "en" | "fr"): Challenge {
  const question = QUESTIONS[index] ?? QUESTIONS[0];
  return { type: "QuestionAndAnswer", prompt: question?.[language] ?? "" };
}

function challengesOf(round: Round): Challenge[] {
  return round.map((c) => c.challenge);
}

function failed(code: ConnectorFailure): StepResult {
  return { kind: "failed", code };
}

function challenged(state: SandboxState, challenges: Challenge[]): StepResult {
  return { kind: "challenged", challenges, connectorState: toJson(state) };
}

function authorized(state: SandboxState): StepResult {
  return { kind: "authorized", connectorState: toJson(state) };
}

function toJson(state: SandboxState): Json {
  return { ...state };
}

/** States written before the scenario catalogue have no round: they are at the first. */
function fromJson(json: Json): SandboxState {
  const state = json as unknown as Partial<SandboxState> & Pick<SandboxState, "seed" | "language">;
  return { questionIndex: null, ...state, round: state.round ?? 0, changed: state.changed ?? false, forced: state.forced ?? null };
}
