import { Type } from "typebox";
import { ApiError } from "../../errors/api-error.js";
import { LruCache } from "../../lib/lru-cache.js";
import type { CardData } from "../../records/card-data.js";
import type { SnapshotAccount } from "../../records/snapshot.js";
import {
  buildStatement,
  type NumberOfStatements,
  renderStatementPdf,
  STATEMENT_MONTHS,
  type StatementPeriod,
  statementPeriods,
  statementUniqueId,
} from "../../statements/build-statements.js";
import { canonicalizeBody } from "../../wire/flinks/canonical-body.js";
import { accountsFilterFor, selectAccounts } from "../../wire/flinks/wire-accounts.js";
import { AnyId, dataEnvelope, pendingReply, readCard, registerDataPoll } from "./card-data-replies.js";
import type { FlinksRouteContext, FlinksServices } from "./flinks-routes.js";

export const GetStatementsBody = Type.Object({
  RequestId: AnyId,
  NumberOfStatements: Type.Optional(
    Type.Union([Type.Literal("MostRecent"), Type.Literal("Months3"), Type.Literal("Months12")], {
      description: "Monthly statements per account (default MostRecent); Months12 takes exactly one account in AccountsFilter.",
    }),
  ),
  AccountsFilter: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 100, description: "Only these AccountIds." })),
});

interface WireStatement {
  UniqueId: string;
  FileType: "PDF";
  Base64Bytes: string;
}

/** /GetStatements and its /GetStatementsAsync poll (GET, or POST as node-flinks sends). */
export function registerGetStatements({ app, services, hidden }: FlinksRouteContext): void {
  const canonical = canonicalizeBody(GetStatementsBody);
  // Snapshots never change once written, so each (snapshot, account, month) is rendered once.
  const pdfs = new LruCache<string, WireStatement>(512);
  const statementsOf = (data: CardData, count: NumberOfStatements, filter: ReadonlySet<string> | null) =>
    payload(services, data, count, filter, pdfs);

  app.post(
    "/GetStatements",
    {
      schema: { hide: hidden, tags: ["Data"], summary: "Monthly account statements as PDF files", body: GetStatementsBody },
      preValidation: canonical,
    },
    async function getStatements(request, reply) {
      const count = request.body.NumberOfStatements ?? "MostRecent";
      const filter = request.body.AccountsFilter ? new Set(request.body.AccountsFilter.map((id) => id.trim().toLowerCase())) : null;
      if (count === "Months12" && filter?.size !== 1) {
        throw new ApiError("INVALID_REQUEST", {}, "Months12 needs exactly one account in AccountsFilter.");
      }
      const read = await readCard(services, request, request.body.RequestId, "sync");
      if (read.kind === "pending") return pendingReply(reply, read, "GetStatementsAsync");
      return statementsOf(read.data, count, filter);
    },
  );

  registerDataPoll({ app, services, hidden }, "GetStatements", (data) => statementsOf(data, "MostRecent", null));
}

function payload(
  services: FlinksServices,
  data: CardData,
  count: NumberOfStatements,
  filter: ReadonlySet<string> | null,
  cache: LruCache<string, WireStatement>,
) {
  const { snapshot } = data;
  const envelope = dataEnvelope(services.connectors, data);
  const institutionName = envelope.InstitutionName;
  const refreshDay = (data.login.lastRefreshAt ?? data.session.createdAt).toISOString().slice(0, 10);
  const periods = statementPeriods(refreshDay, STATEMENT_MONTHS[count]);
  const statement = (account: SnapshotAccount, period: StatementPeriod): WireStatement => {
    const key = `${data.snapshotId}|${account.id}|${period.month}`;
    let wire = cache.get(key);
    if (wire === undefined) {
      const uniqueId = statementUniqueId(account.id, period);
      const pdf = renderStatementPdf(account, buildStatement(account, period), { institutionName, holder: snapshot.holder }, uniqueId);
      wire = { UniqueId: uniqueId, FileType: "PDF", Base64Bytes: pdf.toString("base64") };
      cache.set(key, wire);
    }
    return wire;
  };
  return {
    HttpStatusCode: 200,
    StatementsByAccount: selectAccounts(snapshot, accountsFilterFor(filter, data.login.selectedAccountIds)).map((account) => ({
      AccountNumber: account.accountNumber,
      Statements: periods.map((period) => statement(account, period)),
    })),
    ...envelope,
  };
}
