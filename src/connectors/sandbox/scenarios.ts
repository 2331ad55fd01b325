import type { AggregatedData, Challenge, ConnectorFailure, SecurityAnswers } from "../types.js";

/**
 * The FlinksCapital sandbox users, by username (docs/sandbox.md lists them with their
 * answers). Each scenario is deterministic except Greatday's question, drawn per session.
 * Definitions only: flinks-capital.ts runs them, and its state holds indices into them.
 */

/** One challenge of a scripted round and how the bank checks its answer. */
export interface ScriptedChallenge {
  challenge: Challenge;
  accepts(answers: SecurityAnswers): boolean;
}

/** A 203: every challenge of a round arrives at once and must be answered in one call. */
export type Round = ScriptedChallenge[];

export type LoginBehaviour =
  /** Greatday: one of the three sandbox questions, drawn at random. */
  | { kind: "random_question" }
  | { kind: "none" }
  | { kind: "fail"; code: ConnectorFailure }
  /** Rounds in order; `changeOnWrong` replaces the current round once, after its first wrong answer. */
  | { kind: "script"; rounds: Round[]; changeOnWrong?: Round };

export interface Scenario {
  login: LoginBehaviour;
  /** Slow aggregations (flinks-api.md §12), timed by SandboxTiming. */
  timing?: "pending" | "dispatched";
  loginType?: "Personal" | "Business";
  /** Reshapes the generated data (an empty account, another currency). */
  reshape?(data: AggregatedData): AggregatedData;
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

const CITY = ask("What city were you born in?", "Montreal");
const COUNTRY = ask("What is the best country on earth?", "Canada");
const SHAPE = ask("What shape do people like most?", "Triangle");

const MFA = (rounds: Round[], changeOnWrong?: Round): Scenario => ({ login: { kind: "script", rounds, changeOnWrong } });

export const SCENARIOS: Readonly<Record<string, Scenario>> = {
  greatday: { login: { kind: "random_question" } },
  greatday_nomfa: { login: { kind: "none" } },
  test_disabled_account: { login: { kind: "fail", code: "DISABLED_LOGIN" } },
  test_service_unavailable: { login: { kind: "fail", code: "RETRY_LATER" } },
  // Greatday's login, then a slow aggregation (flinks-api.md §12).
  test_pending: { login: { kind: "random_question" }, timing: "pending" },
  test_dispatched: { login: { kind: "random_question" }, timing: "dispatched" },
  test_new_account: { login: { kind: "fail", code: "NEW_ACCOUNT" } },
  mfa_multiple_choice: MFA([
    [
      choose(
        "MultipleChoice",
        "Which street did you grow up on?",
        ["Maple Street", "Oak Avenue", "Pine Road", "Elm Court"],
        ["Oak Avenue"],
      ),
    ],
  ]),
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
  mfa_image: MFA([
    [
      {
        challenge: { type: "ImageSelection", prompt: "Select your security image", iterables: [...SANDBOX_IMAGES] },
        accepts: (answers) =>
          answers["Select your security image"]?.length === 1 && answers["Select your security image"][0]?.trim() === SANDBOX_IMAGES[1],
      },
    ],
  ]),
  mfa_text_or_call: MFA([
    [
      {
        challenge: { type: "TextOrCall", prompt: "How do you want to receive your security code?", iterables: TEXT_OR_CALL_PHONES },
        // Keyed by the chosen phone number (flinks-api.md §9), valued Text or Call.
        accepts: (answers) =>
          Object.keys(answers).length === 1 &&
          TEXT_OR_CALL_PHONES.some(
            (phone) => ["text", "call"].includes(normalizeAnswer(answers[phone]?.[0] ?? "")) && answers[phone]?.length === 1,
          ),
      },
    ],
    [ask("Enter the security code you received", SANDBOX_SECURITY_CODE)],
  ]),
  mfa_rounds_3: MFA([[CITY], [COUNTRY], [SHAPE]]),
  mfa_multiple: MFA([[CITY, COUNTRY]]),
  mfa_changing: MFA([[CITY]], [COUNTRY]),
  empty_account: { login: { kind: "none" }, reshape: emptyChequingOnly },
  business: { login: { kind: "none" }, loginType: "Business" },
  usd: { login: { kind: "none" }, reshape: (data) => ({ ...data, accounts: data.accounts.map((a) => ({ ...a, currency: "USD" })) }) },
};

/** A freshly opened chequing account: nothing else, no history, nothing in it. */
function emptyChequingOnly(data: AggregatedData): AggregatedData {
  const chequing = data.accounts.filter((a) => a.key === "chq");
  return {
    ...data,
    accounts: chequing.map((a) => ({ ...a, overdraftLimit: null, balance: { available: 0, current: 0, limit: null }, transactions: [] })),
  };
}

/** The same values in any order, compared loosely. */
function sameAnswers(given: string[] | undefined, right: string[]): boolean {
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
