import { ApiError } from "../errors/api-error.js";
import {
  buildStatement,
  renderStatementPdf,
  STATEMENT_MONTHS,
  type StatementPeriod,
  statementPeriods,
  statementUniqueId,
} from "../statements/build-statements.js";
import type { LoginStore } from "../storage/login-store.js";
import type { SnapshotStore } from "../storage/snapshot-store.js";

/**
 * A card's monthly statements for the dashboard: the same months and the same PDF as
 * /GetStatements (src/statements/), read from the card's latest snapshot without a session.
 */
export class CardStatements {
  constructor(private readonly deps: { logins: LoginStore; snapshots: SnapshotStore }) {}

  /** The last twelve closed months of each account, newest first. */
  async list(customerId: string, loginId: string): Promise<Array<{ accountId: string; title: string; months: string[] }>> {
    const { snapshot, periods } = await this.#latest(customerId, loginId);
    return snapshot.accounts.map((account) => ({ accountId: account.id, title: account.title, months: periods.map((p) => p.month) }));
  }

  /** One statement as a PDF; INVALID_REQUEST for an account or month the card does not have. */
  async pdf(customerId: string, loginId: string, accountId: string, month: string): Promise<{ fileName: string; pdf: Buffer }> {
    const { snapshot, periods, institution } = await this.#latest(customerId, loginId);
    const account = snapshot.accounts.find((a) => a.id === accountId);
    const period = periods.find((p) => p.month === month);
    if (!account || !period) throw new ApiError("INVALID_REQUEST", {}, "Invalid request: no such account or statement month.");
    const uniqueId = statementUniqueId(account.id, period);
    const pdf = renderStatementPdf(
      account,
      buildStatement(account, period),
      { institutionName: institution, holder: snapshot.holder },
      uniqueId,
    );
    return { fileName: `statement-${month}-${uniqueId.slice(0, 8)}.pdf`, pdf };
  }

  async #latest(customerId: string, loginId: string) {
    const card = await this.deps.logins.find(customerId, loginId);
    if (!card) throw new ApiError("INVALID_LOGIN");
    const snapshot = card.snapshotId ? await this.deps.snapshots.find(card.snapshotId) : undefined;
    if (!snapshot || !card.lastRefreshAt) throw new ApiError("INVALID_REQUEST", {}, "Invalid request: the card has no data yet.");
    const periods: StatementPeriod[] = statementPeriods(card.lastRefreshAt.toISOString().slice(0, 10), STATEMENT_MONTHS.Months12);
    return { snapshot, periods, institution: card.institution };
  }
}
