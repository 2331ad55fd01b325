import { type Static, Type } from "typebox";
import { literalUnion } from "../../lib/literal-union.js";
import type { ConnectorFailure, InstitutionMemory, Json } from "../types.js";
import { inCurrency, normalizeAnswer, type Round, type Scenario, type ScriptStep, sameAnswers } from "./scenarios.js";

/**
 * A custom sandbox user a test registers through the control plane (docs/sandbox.md,
 * "Scenario scripts"): its login steps, challenges and answers, errors, latency and data seed.
 * It then logs in like any catalogue user, deterministically for a given seed.
 */
const FAILURES = ["INVALID_LOGIN", "RETRY_LATER", "DISABLED_LOGIN", "NEW_ACCOUNT", "UNAUTHORIZED"] as const satisfies ConnectorFailure[];

const ScriptChallenge = Type.Object(
  {
    type: literalUnion(["QuestionAndAnswer", "MultipleChoice", "MultipleChoiceMultipleAnswers", "ImageSelection", "TextOrCall"] as const),
    prompt: Type.String({ minLength: 1, maxLength: 200 }),
    iterables: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 2_000 }), { minItems: 1, maxItems: 10 })),
    answers: Type.Array(Type.String({ minLength: 1, maxLength: 2_000 }), {
      minItems: 1,
      maxItems: 10,
      description: "The right answer(s). TextOrCall: the method(s) accepted, `Text` and/or `Call`, keyed by any iterable.",
    }),
  },
  { additionalProperties: false },
);

export const ScenarioScriptSchema = Type.Object(
  {
    name: Type.String({
      pattern: "^[a-z][a-z0-9_]{2,39}$",
      description: "The username to log in with (also as `name+anything`). Not a catalogue username.",
      examples: ["acme_pet_question"],
    }),
    password: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: "Default `Everyday`." })),
    latencySeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 300, description: "Virtual seconds every login and answer takes." })),
    steps: Type.Array(
      Type.Union([
        // Union branches keep unknown fields: Ajv's removeAdditional would strip one branch's fields while trying another.
        Type.Object({ challenges: Type.Array(ScriptChallenge, { minItems: 1, maxItems: 5 }) }),
        Type.Object({ error: literalUnion(FAILURES) }),
      ]),
      {
        maxItems: 10,
        description: "In order: each `challenges` step is one 203; an `error` step is the bank's refusal there; after the last, 200.",
      },
    ),
    data: Type.Optional(
      Type.Object(
        {
          seed: Type.Optional(
            Type.String({ minLength: 1, maxLength: 100, description: "Same seed, same accounts and transactions. Default: the username." }),
          ),
          currency: Type.Optional(Type.Union([Type.Literal("CAD"), Type.Literal("USD")])),
          loginType: Type.Optional(Type.Union([Type.Literal("Personal"), Type.Literal("Business")])),
          region: Type.Optional(
            Type.Union([Type.Literal("CA"), Type.Literal("US")], { description: "US: US descriptions and addresses, USD." }),
          ),
          accounts: Type.Optional(Type.Integer({ minimum: 1, maximum: 10, description: "How many accounts (default 4)." })),
          transactionsPerAccount: Type.Optional(
            Type.Integer({ minimum: 0, maximum: 5_000, description: "About how many transactions each account lists over a year." }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
  },
  {
    additionalProperties: false,
    examples: [
      {
        name: "acme_pet_question",
        latencySeconds: 2,
        steps: [{ challenges: [{ type: "QuestionAndAnswer", prompt: "What is your pet's name?", answers: ["Rex"] }] }],
        data: { seed: "acme-1", currency: "USD" },
      },
    ],
  },
);

export type ScenarioScript = Static<typeof ScenarioScriptSchema>;

const scriptKey = (name: string) => `script:${name}`;

export function saveScript(memory: InstitutionMemory, script: ScenarioScript): Promise<void> {
  return memory.write(scriptKey(script.name), script as unknown as Json);
}

export async function loadScript(memory: InstitutionMemory, name: string): Promise<ScenarioScript | undefined> {
  return ((await memory.read(scriptKey(name))) as ScenarioScript | null) ?? undefined;
}

export function scenarioOfScript(script: ScenarioScript): Scenario {
  const steps: ScriptStep[] = script.steps.map((step) => ("error" in step ? step.error : roundOf(step.challenges)));
  const currency = script.data?.currency;
  return {
    login: { kind: "script", steps },
    latency: script.latencySeconds,
    password: script.password,
    loginType: script.data?.loginType,
    seed: script.data?.seed,
    data: { region: script.data?.region, accounts: script.data?.accounts, transactionsPerAccount: script.data?.transactionsPerAccount },
    reshape: currency ? inCurrency(currency) : undefined,
  };
}

function roundOf(challenges: Static<typeof ScriptChallenge>[]): Round {
  return challenges.map(({ type, prompt, iterables, answers }) => ({
    challenge: { type, prompt, ...(iterables ? { iterables } : {}) },
    accepts:
      type === "TextOrCall"
        ? (given) =>
            Object.keys(given).length === 1 &&
            (iterables ?? []).some(
              (phone) => given[phone]?.length === 1 && answers.some((a) => normalizeAnswer(a) === normalizeAnswer(given[phone]?.[0] ?? "")),
            )
        : (given) => sameAnswers(given[prompt], answers),
  }));
}
