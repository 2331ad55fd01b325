import { type Static, Type } from "typebox";
import { ApiError } from "../../errors/api-error.js";
import { LruCache } from "../../lib/lru-cache.js";
import type { CardData } from "../../records/card-data.js";
import { canonicalizeBody, looseKey } from "../../wire/flinks/canonical-body.js";
import {
  type AccountView,
  accountsFilterFor,
  selectAccounts,
  wireDetailAccount,
  wireSummaryAccount,
} from "../../wire/flinks/wire-accounts.js";
import { link } from "../../wire/flinks/wire-format.js";
import { AnyId, dataEnvelope, pendingReply, readCard, registerDataPoll } from "./card-data-replies.js";
import type { FlinksRouteContext, FlinksServices } from "./flinks-routes.js";

const IsoDate = Type.String({ pattern: "^\\d{4}-\\d{2}-\\d{2}$", examples: ["2026-01-31"] });
const Guid = Type.String({ maxLength: 64 });

export const GetAccountsDetailBody = Type.Object({
  RequestId: AnyId,
  WithAccountIdentity: Type.Optional(Type.Boolean({ description: "Transit, institution and account numbers (default true)." })),
  WithKYC: Type.Optional(Type.Boolean({ description: "The account holder (default true)." })),
  WithTransactions: Type.Optional(Type.Boolean({ description: "Transactions (default true)." })),
  WithBalance: Type.Optional(Type.Boolean({ description: "Balances (default true)." })),
  DaysOfTransactions: Type.Optional(
    Type.Union([Type.Literal("Days90"), Type.Literal("Days365"), Type.Literal("Days360")], {
      description: "History window (default Days90).",
    }),
  ),
  AccountsFilter: Type.Optional(Type.Array(Guid, { maxItems: 100, description: "Only these AccountIds." })),
  DateFrom: Type.Optional(IsoDate),
  DateTo: Type.Optional(IsoDate),
  RefreshDelta: Type.Optional(
    Type.Array(Type.Record(Type.String({ maxLength: 64 }), Type.Unknown()), {
      maxItems: 100,
      description: "[{AccountId, TransactionId}]: only transactions newer than the one given.",
    }),
  ),
});
type GetAccountsDetailBody = Static<typeof GetAccountsDetailBody>;

export const GetAccountsSummaryBody = Type.Object({
  RequestId: AnyId,
  WithBalance: Type.Optional(Type.Boolean()),
});

const JSON_TYPE = "application/json; charset=utf-8";

const DAYS: Readonly<Record<string, number>> = { Days90: 90, Days365: 365, Days360: 365 };

/** /GetAccountsDetail, /GetAccountsSummary and their *Async polls (GET, or POST as node-flinks sends). */
export function registerGetAccounts({ app, services, hidden }: FlinksRouteContext): void {
  // The C# SDK sends "DaysOfTransaction" (singular).
  const canonicalDetail = canonicalizeBody(GetAccountsDetailBody, { DaysOfTransaction: "DaysOfTransactions" });
  const canonicalSummary = canonicalizeBody(GetAccountsSummaryBody);
  // Snapshots never change once written, so each (snapshot, view) is serialized once.
  const accountsJson = new LruCache<string, string>(256);
  const detail = (data: CardData, view: AccountView) => detailPayload(services, data, view, accountsJson);

  app.post(
    "/GetAccountsDetail",
    {
      schema: { hide: hidden, tags: ["Data"], summary: "Accounts with transactions, balances and holder", body: GetAccountsDetailBody },
      preValidation: canonicalDetail,
    },
    async function getAccountsDetail(request, reply) {
      const read = await readCard(services, request, request.body.RequestId, "sync");
      if (read.kind === "pending") return pendingReply(reply, read, "GetAccountsDetailAsync");
      return reply.type(JSON_TYPE).send(detail(read.data, detailView(request.body, read.data)));
    },
  );

  app.post(
    "/GetAccountsSummary",
    {
      schema: { hide: hidden, tags: ["Data"], summary: "Accounts with balances, without transactions", body: GetAccountsSummaryBody },
      preValidation: canonicalSummary,
    },
    async function getAccountsSummary(request, reply) {
      const read = await readCard(services, request, request.body.RequestId, "sync");
      if (read.kind === "pending") return pendingReply(reply, read, "GetAccountsSummaryAsync");
      return summaryPayload(services, read.data, request.body.WithBalance ?? true);
    },
  );

  registerDataPoll({ app, services, hidden }, "GetAccountsDetail", (data, RequestId, reply) =>
    reply.type(JSON_TYPE).send(detail(data, detailView({ RequestId }, data))),
  );
  registerDataPoll({ app, services, hidden }, "GetAccountsSummary", (data) => summaryPayload(services, data, true));
}

export function detailView(body: GetAccountsDetailBody, data: CardData): AccountView {
  const newestDay = (data.login.lastRefreshAt ?? data.session.createdAt).toISOString().slice(0, 10);
  const days = DAYS[body.DaysOfTransactions ?? "Days90"] ?? 90;
  return {
    withAccountIdentity: body.WithAccountIdentity ?? true,
    withKyc: body.WithKYC ?? true,
    withTransactions: body.WithTransactions ?? true,
    withBalance: body.WithBalance ?? true,
    dateFrom: body.DateFrom ?? shiftDays(newestDay, -days),
    dateTo: body.DateTo ?? null,
    accountsFilter: accountsFilterFor(
      body.AccountsFilter ? new Set(body.AccountsFilter.map((id) => id.trim().toLowerCase())) : null,
      data.login.selectedAccountIds,
    ),
    refreshDelta: refreshDeltaOf(body.RefreshDelta),
  };
}

/** The Ruby client sends the nested keys un-camelized (account_id), so they are matched loosely too. */
function refreshDeltaOf(entries: GetAccountsDetailBody["RefreshDelta"]): Map<string, string> {
  const delta = new Map<string, string>();
  for (const entry of entries ?? []) {
    const loose = new Map(Object.entries(entry).map(([key, value]) => [looseKey(key), value]));
    const accountId = loose.get("accountid");
    const transactionId = loose.get("transactionid");
    if (typeof accountId !== "string" || typeof transactionId !== "string") {
      throw new ApiError("INVALID_REQUEST", {}, "Each RefreshDelta entry needs an AccountId and a TransactionId.");
    }
    delta.set(accountId.trim().toLowerCase(), transactionId.trim().toLowerCase());
  }
  return delta;
}

function shiftDays(isoDay: string, days: number): string {
  const at = new Date(`${isoDay}T00:00:00.000Z`);
  at.setUTCDate(at.getUTCDate() + days);
  return at.toISOString().slice(0, 10);
}

/** The 200 body as text: the cached accounts JSON spliced between the small per-session parts. */
function detailPayload(services: FlinksServices, data: CardData, view: AccountView, cache: LruCache<string, string>): string {
  const { snapshot } = data;
  const key = `${data.snapshotId}|${viewKey(view)}`;
  let accounts = cache.get(key);
  if (accounts === undefined) {
    accounts = JSON.stringify(
      selectAccounts(snapshot, view.accountsFilter).map((a) => wireDetailAccount(a, snapshot.holder, snapshot.loginType, view)),
    );
    cache.set(key, accounts);
  }
  return `{"HttpStatusCode":200,"Accounts":${accounts},${JSON.stringify(dataEnvelope(services.connectors, data)).slice(1)}`;
}

function viewKey(view: AccountView): string {
  return JSON.stringify([
    view.withAccountIdentity,
    view.withKyc,
    view.withTransactions,
    view.withBalance,
    view.dateFrom,
    view.dateTo,
    view.accountsFilter && [...view.accountsFilter].sort(),
    [...view.refreshDelta].sort(),
  ]);
}

function summaryPayload(services: FlinksServices, data: CardData, withBalance: boolean) {
  const { snapshot } = data;
  return {
    HttpStatusCode: 200,
    Accounts: selectAccounts(snapshot, accountsFilterFor(null, data.login.selectedAccountIds)).map((a) =>
      wireSummaryAccount(a, snapshot.holder, snapshot.loginType, withBalance),
    ),
    Links: [link("AccountsDetail", "/GetAccountsDetail"), link("Statements", "/GetStatements")],
    ...dataEnvelope(services.connectors, data),
  };
}
