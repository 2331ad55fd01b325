import { accessResourceUrl } from "./access-url.js";

/** The parameters of `GET /accounts` (simplefin.org/protocol.html, v1 and v2). */
export interface AccountsQuery {
  /** Ask for protocol 2 bodies (`version=2`), where the server's /info offers them. */
  version2: boolean;
  /** Transactions on or after this instant (`start-date`, epoch seconds). */
  startDate?: Date;
  /** Transactions before, but not on, this instant (`end-date`, epoch seconds). */
  endDate?: Date;
  /** Include pending transactions (`pending=1`); servers leave them out by default. */
  pending?: boolean;
  /** Only these accounts (`account=`, repeated; protocol 2). */
  accountIds?: readonly string[];
  /** No transactions at all (`balances-only=1`, protocol 2): the cheapest way to see the accounts. */
  balancesOnly?: boolean;
}

export function accountsUrl(accessUrl: string, query: AccountsQuery): string {
  const url = accessResourceUrl(accessUrl, "accounts");
  const params = url.searchParams;
  if (query.version2) params.set("version", "2");
  if (query.startDate) params.set("start-date", String(epochSeconds(query.startDate)));
  if (query.endDate) params.set("end-date", String(epochSeconds(query.endDate)));
  if (query.pending) params.set("pending", "1");
  for (const id of query.accountIds ?? []) params.append("account", id);
  if (query.balancesOnly) params.set("balances-only", "1");
  return url.href;
}

function epochSeconds(at: Date): number {
  return Math.floor(at.getTime() / 1000);
}
