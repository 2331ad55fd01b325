import { Type } from "typebox";
import { canonicalizeBody } from "../../wire/flinks/canonical-body.js";
import { parseLoginId } from "./authorize.js";
import type { FlinksRouteContext } from "./flinks-routes.js";

const Params = Type.Object({ customerId: Type.String(), loginId: Type.String() });

const AnswerBody = Type.Object({
  LoginId: Type.String({ maxLength: 64 }),
  Questions: Type.Array(
    Type.Object({
      Question: Type.String({ minLength: 1, maxLength: 1024, examples: ["What shape do people like most?"] }),
      Answer: Type.String({ minLength: 1, maxLength: 1024, examples: ["Triangle"] }),
    }),
    { minItems: 1, maxItems: 50 },
  ),
});

/**
 * Stored MFA answers (flinks-api.md §7.4): the nightly refresh answers the bank's
 * QuestionAndAnswer prompts from them. GetMFAQuestions lists the questions the card has met
 * (those asked in live sessions with stored answers on, and those a nightly refresh could
 * not answer); the answers themselves never come back out.
 */
export function registerMfaQuestions({ app, services, hidden }: FlinksRouteContext): void {
  app.get(
    "/GetMFAQuestions/:loginId",
    {
      schema: {
        hide: hidden,
        tags: ["Cards"],
        summary: "The MFA questions known for a card",
        params: Params,
        response: {
          200: Type.Object({
            HttpStatusCode: Type.Literal(200),
            Message: Type.Literal("SUCCESS"),
            Questions: Type.Array(Type.Object({ Question: Type.String() })),
          }),
        },
      },
    },
    async function getMfaQuestions(request) {
      const caller = await services.callerAuth.caller(request);
      services.callerAuth.assertServerCaller(caller);
      const questions = await services.cardRefresh.questions(caller.customer.id, parseLoginId(request.params.loginId));
      return { HttpStatusCode: 200 as const, Message: "SUCCESS" as const, Questions: questions.map((Question) => ({ Question })) };
    },
  );

  app.patch(
    "/AnswerMFAQuestions",
    {
      schema: {
        hide: hidden,
        tags: ["Cards"],
        summary: "Store answers to a card's MFA questions (encrypted) for nightly refreshes",
        body: AnswerBody,
        response: { 200: Type.Object({ HttpStatusCode: Type.Literal(200), Message: Type.Literal("Answers updated") }) },
      },
      preValidation: canonicalizeBody(AnswerBody),
    },
    async function answerMfaQuestions(request) {
      const caller = await services.callerAuth.caller(request);
      services.callerAuth.assertServerCaller(caller);
      const loginId = parseLoginId(request.body.LoginId);
      const answers = request.body.Questions.map((q) => ({ question: q.Question, answer: q.Answer }));
      await services.cardRefresh.answerQuestions(caller.customer.id, loginId, answers);
      return { HttpStatusCode: 200 as const, Message: "Answers updated" as const };
    },
  );
}
