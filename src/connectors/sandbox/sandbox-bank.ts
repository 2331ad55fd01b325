import type {
  ConnectorContext,
  Credentials,
  FetchResult,
  InstitutionConnector,
  Json,
  PreviousFetch,
  SecurityAnswers,
  StepResult,
} from "../types.js";
import { generateBankData } from "./generate-bank-data.js";
import { fetchBankData } from "./incremental-bank-data.js";
import {
  answerOf,
  authorized,
  challenged,
  challengesOf,
  failed,
  forcedStart,
  fromJson,
  QUESTIONS,
  questionOf,
  type SandboxState,
  stepResult,
} from "./sandbox-steps.js";
import { loadScript, scenarioOfScript } from "./scenario-script.js";
import { catalogueScenario, type Scenario } from "./scenarios.js";
import { isLocked, passwordOf, readUserRecord, remember, writeUserRecord } from "./user-record.js";

/**
 * The sandbox banks' connector shell: Flinks' own dummy bank (FlinksCapital) with the test
 * users of Flinks' docs and bankgate's scenario catalogue (scenarios.ts, docs/sandbox.md),
 * and a few more banks whose every user meets one MFA style (sandbox-banks.ts). The steps are
 * pure (sandbox-steps.ts); what a bank remembers between logins (a trusted device, wrong
 * answers, a changed password) lives in the institution memory (user-record.ts).
 * `user+anything` behaves like `user` but is another card, so tests and load runs can hold
 * many cards without colliding on one LoginId.
 */

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

    async fetchData(connectorState: Json, ctx: ConnectorContext, previous?: PreviousFetch): Promise<FetchResult> {
      const { seed } = fromJson(connectorState);
      const scenario = await scenarioOf(seed, ctx);
      if (scenario?.timing === "dispatched")
        await ctx.clock.sleepUntil(new Date(ctx.clock.now().getTime() + timing.dispatchedSeconds * 1000));
      const options = { ...scenario?.data, loginType: scenario?.loginType ?? "Personal" };
      // A reshaped scenario depends on the bank's memory of the user: generated whole, without a basis.
      if (!scenario?.reshape) return fetchBankData(scenario?.seed ?? seed, ctx.clock.now(), options, previous);
      const data = generateBankData(scenario.seed ?? seed, ctx.clock.now(), options);
      const { logins } = await readUserRecord(ctx.memory, seed);
      return { kind: "data", data: scenario.reshape(data, { logins }) };
    },

    aggregationDelaySeconds(connectorState: Json): number {
      const name = fromJson(connectorState).seed.split("+")[0] ?? "";
      return (bank.everyUser ?? catalogueScenario(name))?.timing === "pending" ? timing.pendingSeconds : 0;
    },
  };
}
