import { canonicalizeBody } from "../../wire/flinks/canonical-body.js";
import {
  ANSWER_MFA_QUESTIONS_BODY,
  AnswerMfaQuestionsBody,
  AnswerMfaQuestionsReply,
  LoginIdParams,
  MfaQuestionsReply,
  mfaQuestionsBody,
} from "../../wire/flinks/card-management.js";
import { parseLoginId } from "../../wire/flinks/ids.js";
import type { FlinksRoutes } from "./flinks-routes.js";

/**
 * Stored MFA answers: the nightly refresh answers the bank's QuestionAndAnswer prompts from
 * them. GetMFAQuestions lists the questions the card has met (those asked in live sessions
 * with stored answers on, and those a nightly refresh could not answer); the answers
 * themselves never come back out.
 */
export function registerMfaQuestions({ app, services, hidden }: FlinksRoutes): void {
  app.get(
    "/GetMFAQuestions/:loginId",
    {
      schema: {
        hide: hidden,
        tags: ["Cards"],
        summary: "The MFA questions known for a card",
        params: LoginIdParams,
        response: { 200: MfaQuestionsReply },
      },
      config: { auth: "serverCaller" },
    },
    async function getMfaQuestions(request) {
      const loginId = parseLoginId(request.params.loginId);
      return mfaQuestionsBody(await services.cardRefresh.questions(request.caller.customer.id, request.caller.scope, loginId));
    },
  );

  app.patch(
    "/AnswerMFAQuestions",
    {
      schema: {
        hide: hidden,
        tags: ["Cards"],
        summary: "Store answers to a card's MFA questions (encrypted) for nightly refreshes",
        body: AnswerMfaQuestionsBody,
        response: { 200: AnswerMfaQuestionsReply },
      },
      preValidation: canonicalizeBody(AnswerMfaQuestionsBody),
      config: { auth: "serverCaller" },
    },
    async function answerMfaQuestions(request) {
      const loginId = parseLoginId(request.body.LoginId);
      const answers = request.body.Questions.map((q) => ({ question: q.Question, answer: q.Answer }));
      await services.cardRefresh.answerQuestions(request.caller.customer.id, request.caller.scope, loginId, answers);
      return ANSWER_MFA_QUESTIONS_BODY;
    },
  );
}
