import type { SimAccount, SimConnection, SimTransaction } from "./sim-accounts.js";

/** What one `GET /accounts` asked for, once the server has read and capped its parameters. */
export interface AccountsRequest {
  version: 1 | 2;
  /** Epoch seconds, start inclusive, end exclusive. */
  startDate: number;
  endDate: number;
  pending: boolean;
  balancesOnly: boolean;
  /** `account=` filters (protocol 2); null for all. */
  accountIds: readonly string[] | null;
  /** Notes for the app (a capped date range): `errlist` gen.api entries in v2, `errors` strings in v1. */
  notices: readonly string[];
  /** A connection whose sign-in at the bank failed (con.auth). */
  connectionNeedingAttention: SimConnection | null;
}

/**
 * An Account Set as simplefin.org/protocol.html shows it, key for key: protocol 1 names the
 * institution in each account's `org` and lists `errors` as strings; protocol 2 lists
 * `connections`, puts `conn_id` on accounts and structured errors in `errlist`.
 */
export function accountSetBody(accounts: readonly SimAccount[], request: AccountsRequest, serverUrl: string, now: Date) {
  const listed = request.version === 2 && request.accountIds ? accounts.filter((a) => request.accountIds?.includes(a.id)) : accounts;
  const attention = request.connectionNeedingAttention;
  if (request.version === 1) {
    const errors = [...request.notices, ...(attention ? [`Connection to ${attention.name} may need attention`] : [])];
    return {
      errors,
      accounts: listed.map((a) => ({
        org: { domain: a.connection.orgDomain, name: a.connection.orgName, "sfin-url": serverUrl },
        ...accountFields(a, request, now),
      })),
    };
  }
  const errlist = [
    ...request.notices.map((msg) => ({ code: "gen.api", msg })),
    // As the spec's own quickstart example writes it: `message`, not `msg`.
    ...(attention ? [{ code: "con.auth", message: "Authentication required", conn_id: attention.id }] : []),
  ];
  const connections = [...new Map(listed.map((a) => [a.connection.id, a.connection])).values()];
  return {
    errlist,
    connections: connections.map((c) => ({
      conn_id: c.id,
      name: c.name,
      org_id: c.orgId,
      org_url: `https://${c.orgDomain}`,
      sfin_url: serverUrl,
    })),
    accounts: listed.map((a) => {
      const { id, name, ...rest } = accountFields(a, request, now);
      return { id, name, conn_id: a.connection.id, ...rest };
    }),
  };
}

function accountFields(a: SimAccount, request: AccountsRequest, now: Date) {
  const fields = {
    id: a.id,
    name: a.name,
    currency: "USD",
    balance: centsToDecimal(a.balanceCents),
    "available-balance": centsToDecimal(a.availableCents),
    "balance-date": Math.floor(now.getTime() / 1000),
  };
  const extra = { "account-open-date": a.openedAt };
  // balances-only is a protocol 2 parameter: a protocol 1 server answers as if it were absent.
  if (request.balancesOnly && request.version === 2) return { ...fields, extra };
  const transactions = a.transactions.filter((t) => inWindow(t, request)).map(transactionFields);
  return { ...fields, transactions, extra };
}

function inWindow(t: SimTransaction, request: AccountsRequest): boolean {
  const at = t.pending ? t.transactedAt : t.posted;
  return (!t.pending || request.pending) && at >= request.startDate && at < request.endDate;
}

function transactionFields(t: SimTransaction) {
  const fields = { id: t.id, posted: t.posted, amount: centsToDecimal(t.amountCents), description: t.description };
  return t.pending ? { ...fields, transacted_at: t.transactedAt, pending: true } : fields;
}

export function centsToDecimal(cents: number): string {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}
