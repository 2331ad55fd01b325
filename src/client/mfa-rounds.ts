import { BankgateClientError } from "./client-error.js";
import type { AuthorizeAnswer, AuthorizeRequest, Challenged, SecurityChallenge } from "./flinks-types.js";

/** Answers to security questions: by prompt text, or a function of the challenge. */
export type MfaAnswers =
  | Readonly<Record<string, string | readonly string[]>>
  | ((challenge: SecurityChallenge) => string | readonly string[] | undefined);

/**
 * Runs /Authorize (or /AuthorizeAsync with its polls — `step` decides) and answers each 203
 * round from `answers`, until a 200 or an error. A round with a prompt `answers` does not know
 * ends it: the 203 is returned, so the caller sees which prompt was missing. More than
 * `maxRounds` rounds throw ("too-many-rounds"): a bank that never stops asking is a bug.
 */
export async function answerRounds(
  first: AuthorizeRequest,
  answers: MfaAnswers,
  step: (body: AuthorizeRequest) => Promise<AuthorizeAnswer>,
  maxRounds: number,
): Promise<AuthorizeAnswer> {
  let answer = await step(first);
  for (let round = 0; answer.HttpStatusCode === 203; round++) {
    if (round >= maxRounds) {
      throw new BankgateClientError("too-many-rounds", `Authorize: still 203 after ${maxRounds} rounds of answers`, { lastAnswer: answer });
    }
    const responses = responsesFor(answer, answers);
    if (!responses) return answer;
    answer = await step({ RequestId: answer.RequestId, SecurityResponses: responses });
  }
  return answer;
}

function responsesFor(challenged: Challenged, answers: MfaAnswers): Record<string, string[]> | null {
  const responses: Record<string, string[]> = {};
  for (const challenge of challenged.SecurityChallenges) {
    const given =
      typeof answers === "function" ? answers(challenge) : Object.hasOwn(answers, challenge.Prompt) ? answers[challenge.Prompt] : undefined;
    if (given === undefined) return null;
    responses[challenge.Prompt] = typeof given === "string" ? [given] : [...given];
  }
  return responses;
}
