import { canonicalizeBody } from "../../wire/flinks/canonical-body.js";
import { GetStatementsBody, statementsRequestOf } from "../../wire/flinks/data-requests.js";
import { readCard, registerDataPoll, replyPending } from "./data-polls.js";
import type { FlinksRoutes } from "./flinks-routes.js";

/** /GetStatements and its /GetStatementsAsync poll (GET, or POST as node-flinks sends). */
export function registerGetStatements(routes: FlinksRoutes): void {
  const { app, services, statements, hidden } = routes;

  app.post(
    "/GetStatements",
    {
      schema: { hide: hidden, tags: ["Data"], summary: "Monthly account statements as PDF files", body: GetStatementsBody },
      preValidation: canonicalizeBody(GetStatementsBody),
      config: { auth: "caller" },
    },
    async function getStatements(request, reply) {
      const { count, filter } = statementsRequestOf(request.body);
      const read = await readCard(services, request.caller, request.body.RequestId, "wait");
      if (read.kind === "pending") return replyPending(reply, read, "GetStatementsAsync");
      return statements.statements(read.data, count, filter);
    },
  );

  registerDataPoll(routes, "GetStatements", (data) => statements.statements(data, "MostRecent", null));
}
