import { type Static, Type } from "typebox";
import { ApiError } from "../../errors/api-error.js";
import type { CardData } from "../../records/card-data.js";
import type { NumberOfStatements } from "../../statements/build-statements.js";
import { looseKey } from "./canonical-body.js";
import { type AccountView, accountsFilterFor, disclosureOf } from "./wire-accounts.js";

// Ids have no length limit of their own: an overlong id is answered like any unknown id.
export const AnyId = Type.String();

export const RequestIdParams = Type.Object({ customerId: Type.String(), requestId: AnyId });

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
export type GetAccountsDetailBody = Static<typeof GetAccountsDetailBody>;

/** The C# SDK sends "DaysOfTransaction" (singular). */
export const GET_ACCOUNTS_DETAIL_ALIASES = { DaysOfTransaction: "DaysOfTransactions" };

/** The same disclosure flags as /GetAccountsDetail, with the same defaults (wire-accounts.ts, Disclosure). */
export const GetAccountsSummaryBody = Type.Object({
  RequestId: AnyId,
  WithAccountIdentity: Type.Optional(Type.Boolean({ description: "The account number (default true)." })),
  WithKYC: Type.Optional(Type.Boolean({ description: "The account holder (default true)." })),
  WithBalance: Type.Optional(Type.Boolean({ description: "Balances (default true)." })),
});

export const GetStatementsBody = Type.Object({
  RequestId: AnyId,
  NumberOfStatements: Type.Optional(
    Type.Union([Type.Literal("MostRecent"), Type.Literal("Months3"), Type.Literal("Months12")], {
      description: "Monthly statements per account (default MostRecent); Months12 takes exactly one account in AccountsFilter.",
    }),
  ),
  AccountsFilter: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 100, description: "Only these AccountIds." })),
});
export type GetStatementsBody = Static<typeof GetStatementsBody>;

const DAYS: Readonly<Record<string, number>> = { Days90: 90, Days365: 365, Days360: 365 };

/** What a /GetAccountsDetail body asks to see of `data`; omitted flags default to "include". */
export function detailView(body: GetAccountsDetailBody, data: CardData): AccountView {
  const newestDay = (data.login.lastRefreshAt ?? data.session.createdAt).toISOString().slice(0, 10);
  const days = DAYS[body.DaysOfTransactions ?? "Days90"] ?? 90;
  const { withAccountIdentity, withKyc, withBalance } = disclosureOf(body);
  // Written out, not spread: Node 20 adds keys to a spread object on a slow path (docs/performance.md).
  return {
    withAccountIdentity,
    withKyc,
    withBalance,
    withTransactions: body.WithTransactions ?? true,
    dateFrom: body.DateFrom ?? shiftDays(newestDay, -days),
    dateTo: body.DateTo ?? null,
    accountsFilter: accountsFilterFor(idSet(body.AccountsFilter), data.login.selectedAccountIds),
    refreshDelta: refreshDeltaOf(body.RefreshDelta),
  };
}

/** NumberOfStatements and AccountsFilter of a /GetStatements body. */
export function statementsRequestOf(body: GetStatementsBody): { count: NumberOfStatements; filter: ReadonlySet<string> | null } {
  const count = body.NumberOfStatements ?? "MostRecent";
  const filter = idSet(body.AccountsFilter);
  if (count === "Months12" && filter?.size !== 1) {
    throw new ApiError("INVALID_REQUEST", {}, "Months12 needs exactly one account in AccountsFilter.");
  }
  return { count, filter };
}

function idSet(ids: readonly string[] | undefined): ReadonlySet<string> | null {
  return ids ? new Set(ids.map((id) => id.trim().toLowerCase())) : null;
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
