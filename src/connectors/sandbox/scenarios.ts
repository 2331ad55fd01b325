import type { AggregatedData, BankAccount, BankTransaction, Challenge, ConnectorFailure, SecurityAnswers } from "../types.js";
import type { GenerateBankDataOptions } from "./generate-bank-data.js";

/**
 * The FlinksCapital sandbox users, by username (docs/sandbox.md lists them with their
 * answers). Each scenario is deterministic except Greatday's question, drawn per session.
 * Definitions only: sandbox-bank.ts runs them, and its state holds indices into them.
 */

/** One challenge of a scripted round and how the bank checks its answer. */
export interface ScriptedChallenge {
  challenge: Challenge;
  accepts(answers: SecurityAnswers): boolean;
}

/** A 203: every challenge of a round arrives at once and must be answered in one call. */
export type Round = ScriptedChallenge[];

/** A step of a scripted login: a round of challenges, or the bank's refusal at that point. */
export type ScriptStep = Round | ConnectorFailure;

export type LoginBehaviour =
  /** Greatday: one of the three sandbox questions, drawn at random. */
  | { kind: "random_question" }
  | { kind: "none" }
  | { kind: "fail"; code: ConnectorFailure }
  /** Steps in order; `changeOnWrong` replaces the current round once, after its first wrong answer. */
  | { kind: "script"; steps: ScriptStep[]; changeOnWrong?: Round }
  /** RETRY_LATER for the first `failures` logins, then in without MFA. */
  | { kind: "flaky"; failures: number }
  /** The bank never answers: the connector's timeout does. */
  | { kind: "hang" }
  /** Asks `round` until one login answers it, then trusts the device (until the card is reset). */
  | { kind: "trusted_device"; round: Round };

/** What the bank remembers of the user, as far as a scenario's data depends on it. */
export interface BankHistory {
  /** Logins the bank let through so far, this one included. */
  logins: number;
}

export interface Scenario {
  login: LoginBehaviour;
  /**
   * Slow aggregations (Flinks' test users test_pending and test_dispatched:
   * https://docs.flinks.com/docs/test-institution), timed by SandboxTiming.
   */
  timing?: "pending" | "dispatched";
  /** Seconds every login and answer takes: "slow" is SandboxTiming's, a number a script's own. */
  latency?: "slow" | number;
  /** The bank locks the login (DISABLED_LOGIN) after this many wrong answers in a row, across sessions. */
  lockAfterWrongAnswers?: number;
  /** The bank's password for the user, compared case-insensitively; `Everyday` when absent. */
  password?: string;
  /** The user changes the password after the first login: later logins need this one. */
  passwordAfterFirstLogin?: string;
  loginType?: "Personal" | "Business";
  /** Data seed when not the username (scripts). */
  seed?: string;
  /** The generated data's shape: region, number of accounts, transactions per account. */
  data?: Pick<GenerateBankDataOptions, "region" | "accounts" | "transactionsPerAccount">;
  /** Reshapes the generated data (an empty account, another currency, what changed since the last login). */
  reshape?(data: AggregatedData, history: BankHistory): AggregatedData;
}

/** The fixed code a TextOrCall user "receives" by text or call. */
export const SANDBOX_SECURITY_CODE = "123456";

const TEXT_OR_CALL_PHONES = ["(514) •••-••12", "(438) •••-••34"];

/** Three tiny SVG images, base64 as Laurentienne sends its JPEGs; the blue square is the user's. */
export const SANDBOX_IMAGES: readonly string[] = [
  '<circle cx="8" cy="8" r="7" fill="#d22"/>',
  '<rect width="16" height="16" fill="#22d"/>',
  '<path d="M8 1 15 15H1z" fill="#2a2"/>',
].map((shape) => Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16">${shape}</svg>`).toString("base64"));

const ask = (prompt: string, answer: string): ScriptedChallenge => ({
  challenge: { type: "QuestionAndAnswer", prompt },
  accepts: (answers) => sameAnswers(answers[prompt], [answer]),
});

const choose = (type: "MultipleChoice" | "MultipleChoiceMultipleAnswers", prompt: string, iterables: string[], right: string[]) => ({
  challenge: { type, prompt, iterables },
  accepts: (answers: SecurityAnswers) => sameAnswers(answers[prompt], right),
});

export const CITY = ask("What city were you born in?", "Montreal");
const COUNTRY = ask("What is the best country on earth?", "Canada");
const SHAPE = ask("What shape do people like most?", "Triangle");

const MFA = (steps: ScriptStep[], changeOnWrong?: Round): Scenario => ({ login: { kind: "script", steps, changeOnWrong } });

export const CHOOSE_STREET = choose(
  "MultipleChoice",
  "Which street did you grow up on?",
  ["Maple Street", "Oak Avenue", "Pine Road", "Elm Court"],
  ["Oak Avenue"],
);

export const PICK_IMAGE: ScriptedChallenge = {
  challenge: { type: "ImageSelection", prompt: "Select your security image", iterables: [...SANDBOX_IMAGES] },
  accepts: (answers) =>
    answers["Select your security image"]?.length === 1 && answers["Select your security image"][0]?.trim() === SANDBOX_IMAGES[1],
};

export const TEXT_OR_CALL_THEN_CODE: Round[] = [
  [
    {
      challenge: { type: "TextOrCall", prompt: "How do you want to receive your security code?", iterables: TEXT_OR_CALL_PHONES },
      // Keyed by the chosen phone number, valued Text or Call
      // (docs/flinks-compatibility.md#mfa-challenge-types).
      accepts: (answers) =>
        Object.keys(answers).length === 1 &&
        TEXT_OR_CALL_PHONES.some(
          (phone) => ["text", "call"].includes(normalizeAnswer(answers[phone]?.[0] ?? "")) && answers[phone]?.length === 1,
        ),
    },
  ],
  [ask("Enter the security code you received", SANDBOX_SECURITY_CODE)],
];

const SCENARIOS: Readonly<Record<string, Scenario>> = {
  greatday: { login: { kind: "random_question" } },
  greatday_nomfa: { login: { kind: "none" } },
  test_disabled_account: { login: { kind: "fail", code: "DISABLED_LOGIN" } },
  test_service_unavailable: { login: { kind: "fail", code: "RETRY_LATER" } },
  // Greatday's login, then a slow aggregation, as Flinks' test institution does
  // (https://docs.flinks.com/docs/test-institution).
  test_pending: { login: { kind: "random_question" }, timing: "pending" },
  test_dispatched: { login: { kind: "random_question" }, timing: "dispatched" },
  test_new_account: { login: { kind: "fail", code: "NEW_ACCOUNT" } },
  mfa_multiple_choice: MFA([[CHOOSE_STREET]]),
  mfa_multiple_answers: MFA([
    [
      choose(
        "MultipleChoiceMultipleAnswers",
        "Select the two banks where you hold an account",
        ["Bank of Montreal", "Desjardins", "Tangerine", "Scotiabank"],
        ["Desjardins", "Tangerine"],
      ),
    ],
  ]),
  mfa_image: MFA([[PICK_IMAGE]]),
  mfa_text_or_call: MFA(TEXT_OR_CALL_THEN_CODE),
  mfa_multiple: MFA([[CITY, COUNTRY]]),
  mfa_changing: MFA([[CITY]], [COUNTRY]),
  empty_account: { login: { kind: "none" }, reshape: emptyChequingOnly },
  business: { login: { kind: "none" }, loginType: "Business" },
  usd: { login: { kind: "none" }, reshape: inCurrency("USD") },
  test_slow: { login: { kind: "none" }, latency: "slow" },
  test_hanging: { login: { kind: "hang" } },
  trusted_device: { login: { kind: "trusted_device", round: [CITY] } },
  password_changed: { login: { kind: "none" }, passwordAfterFirstLogin: "Everyday2" },
  new_account_after_refresh: { login: { kind: "none" }, reshape: (data, history) => (history.logins > 1 ? withNewSavings(data) : data) },
  pending_posts: { login: { kind: "none" }, reshape: (data, history) => withRestaurantBill(data, history.logins > 1) },
  large_login: { login: { kind: "none" }, data: { accounts: 10, transactionsPerAccount: 5_000 } },
};

/** A catalogue user's scenario by its name (the username without `+suffix`). */
export function catalogueScenario(name: string): Scenario | undefined {
  return SCENARIOS[name] ?? numberedScenario(name);
}

const QUESTION_CYCLE = [CITY, COUNTRY, SHAPE];
const MAX_N = 9;

/**
 * The catalogue's numbered users: `mfa_rounds_N` (N questions in a row), `mfa_lock_N` (the
 * bank locks after N wrong answers) and `test_flaky_N` (RETRY_LATER N times), N from 1 to 9.
 */
function numberedScenario(name: string): Scenario | undefined {
  const match = /^(mfa_rounds|mfa_lock|test_flaky)_([1-9])$/.exec(name);
  const n = Number(match?.[2]);
  if (!match || n > MAX_N) return undefined;
  switch (match[1]) {
    case "mfa_rounds":
      return MFA(Array.from({ length: n }, (_, i) => [QUESTION_CYCLE[i % QUESTION_CYCLE.length] ?? CITY]));
    case "mfa_lock":
      return { ...MFA([[CITY]]), lockAfterWrongAnswers: n };
    default:
      return { login: { kind: "flaky", failures: n } };
  }
}

/** Every account relabelled in `currency` (the amounts stay as generated). */
export function inCurrency(currency: BankAccount["currency"]): (data: AggregatedData) => AggregatedData {
  return (data) => ({ ...data, accounts: data.accounts.map((a) => ({ ...a, currency })) });
}

/** A freshly opened chequing account: nothing else, no history, nothing in it. */
function emptyChequingOnly(data: AggregatedData): AggregatedData {
  const chequing = data.accounts.filter((a) => a.key === "chq");
  return {
    ...data,
    accounts: chequing.map((a) => ({ ...a, overdraftLimit: null, balance: { available: 0, current: 0, limit: null }, transactions: [] })),
  };
}

/** A high-interest savings account opened since the first login, with its opening deposit. */
export function withNewSavings(data: AggregatedData): AggregatedData {
  const model = data.accounts.find((a) => a.key === "sav") ?? data.accounts[0];
  const opened = model?.transactions[0]?.date ?? new Date().toISOString().slice(0, 10);
  const deposit: BankTransaction = {
    key: "hisa-opening",
    date: opened,
    description: "OPENING DEPOSIT",
    debit: null,
    credit: 500,
    balance: 500,
  };
  const account: BankAccount = {
    key: "hisa",
    title: "High Interest Savings",
    category: "Operations",
    type: "Savings",
    currency: model?.currency ?? "CAD",
    transitNumber: model?.transitNumber ?? null,
    institutionNumber: model?.institutionNumber ?? null,
    accountNumber: `${model?.accountNumber ?? "0000000"}9`,
    overdraftLimit: null,
    balance: { available: 500, current: 500, limit: null },
    transactions: [deposit],
  };
  return { ...data, accounts: [...data.accounts, account] };
}

/**
 * A restaurant bill on the credit card: authorized for the bill alone, it posts at the next
 * login with the tip added, same transaction (same key, so the same TransactionId).
 */
export function withRestaurantBill(data: AggregatedData, posted: boolean): AggregatedData {
  return {
    ...data,
    accounts: data.accounts.map((account) => {
      const newest = account.transactions[0];
      if (account.key !== "cc" || !newest) return account;
      const cents = posted ? 5_405 : 4_500;
      const balanceCents = Math.round(newest.balance * 100) + cents;
      const bill: BankTransaction = {
        key: "pending-restaurant",
        date: newest.date,
        description: posted ? "LA BANQUISE MONTREAL" : "LA BANQUISE MONTREAL (PENDING)",
        debit: cents / 100,
        credit: null,
        balance: balanceCents / 100,
      };
      const limit = account.balance.limit ?? 0;
      return {
        ...account,
        balance: { ...account.balance, current: bill.balance, available: Math.round(limit * 100 - balanceCents) / 100 },
        transactions: [bill, ...account.transactions],
      };
    }),
  };
}

/** The same values in any order, compared loosely. */
export function sameAnswers(given: string[] | undefined, right: string[]): boolean {
  if (!given || given.length !== right.length) return false;
  const wanted = right.map(normalizeAnswer).sort();
  return given
    .map(normalizeAnswer)
    .sort()
    .every((answer, i) => answer === wanted[i]);
}

/** Banks compare answers loosely: case, accents and surrounding spaces do not matter. */
export function normalizeAnswer(answer: string): string {
  return answer
    .normalize("NFD")
    .replace(/\p{Diacritic}/gu, "")
    .trim()
    .toLowerCase();
}
