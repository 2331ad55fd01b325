import { canonicalizeBody } from "../../wire/flinks/canonical-body.js";
import { detailView, GET_ACCOUNTS_DETAIL_ALIASES, GetAccountsDetailBody, GetAccountsSummaryBody } from "../../wire/flinks/data-requests.js";
import { disclosureOf, FULL_DISCLOSURE } from "../../wire/flinks/wire-accounts.js";
import { sendJsonParts } from "../plumbing/send-json-parts.js";
import { readCard, registerDataPoll, replyPending } from "./data-polls.js";
import type { FlinksRoutes } from "./flinks-routes.js";

/** /GetAccountsDetail, /GetAccountsSummary and their *Async polls (GET, or POST as node-flinks sends). */
export function registerGetAccounts(routes: FlinksRoutes): void {
  const { app, services, accounts, hidden } = routes;

  app.post(
    "/GetAccountsDetail",
    {
      schema: { hide: hidden, tags: ["Data"], summary: "Accounts with transactions, balances and holder", body: GetAccountsDetailBody },
      preValidation: canonicalizeBody(GetAccountsDetailBody, GET_ACCOUNTS_DETAIL_ALIASES),
      config: { auth: "caller" },
    },
    async function getAccountsDetail(request, reply) {
      const read = await readCard(services, request.caller, request.body.RequestId, "wait");
      if (read.kind === "pending") return replyPending(reply, read, "GetAccountsDetailAsync");
      return sendJsonParts(reply, accounts.detail(read.data, detailView(request.body, read.data)));
    },
  );

  app.post(
    "/GetAccountsSummary",
    {
      schema: { hide: hidden, tags: ["Data"], summary: "Accounts with balances, without transactions", body: GetAccountsSummaryBody },
      preValidation: canonicalizeBody(GetAccountsSummaryBody),
      config: { auth: "caller" },
    },
    async function getAccountsSummary(request, reply) {
      const read = await readCard(services, request.caller, request.body.RequestId, "wait");
      if (read.kind === "pending") return replyPending(reply, read, "GetAccountsSummaryAsync");
      return accounts.summary(read.data, disclosureOf(request.body));
    },
  );

  registerDataPoll(routes, "GetAccountsDetail", (data, RequestId, reply) =>
    sendJsonParts(reply, accounts.detail(data, detailView({ RequestId }, data))),
  );
  registerDataPoll(routes, "GetAccountsSummary", (data) => accounts.summary(data, FULL_DISCLOSURE));
}
