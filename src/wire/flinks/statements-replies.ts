import type { ConnectorRegistry } from "../../connectors/registry.js";
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
import { dataEnvelope } from "./data-replies.js";
import { accountsFilterFor, selectAccounts } from "./wire-accounts.js";

interface WireStatement {
  UniqueId: string;
  FileType: "PDF";
  Base64Bytes: string;
}

/** The /GetStatements answer. Snapshots never change once written, so each (snapshot, account, month) is rendered once. */
export class StatementsReplies {
  readonly #pdfs = new LruCache<string, WireStatement>(512);

  constructor(private readonly connectors: ConnectorRegistry) {}

  statements(data: CardData, count: NumberOfStatements, filter: ReadonlySet<string> | null) {
    const { snapshot } = data;
    const envelope = dataEnvelope(this.connectors, data);
    const refreshDay = (data.login.lastRefreshAt ?? data.session.createdAt).toISOString().slice(0, 10);
    const periods = statementPeriods(refreshDay, STATEMENT_MONTHS[count]);
    const context = { institutionName: envelope.InstitutionName, holder: snapshot.holder };
    const statement = (account: SnapshotAccount, period: StatementPeriod): WireStatement => {
      const key = `${data.snapshotId}|${account.id}|${period.month}`;
      let wire = this.#pdfs.get(key);
      if (wire === undefined) {
        const uniqueId = statementUniqueId(account.id, period);
        const pdf = renderStatementPdf(account, buildStatement(account, period), context, uniqueId);
        wire = { UniqueId: uniqueId, FileType: "PDF", Base64Bytes: pdf.toString("base64") };
        this.#pdfs.set(key, wire);
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
}
