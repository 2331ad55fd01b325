import type { AggregatedData, BankAccount } from "../../src/connectors/types.js";

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * What is wrong with a connector's data, as bankgate's snapshot and the Flinks wire need it:
 * stable unique keys (AccountIds and TransactionIds are derived from them), ISO days newest
 * first, one side of each transaction, finite balances, a holder of strings. Empty when fine.
 */
export function aggregatedDataProblems(data: AggregatedData): string[] {
  const problems: string[] = [];
  if (data.loginType !== "Personal" && data.loginType !== "Business") problems.push(`loginType ${String(data.loginType)}`);
  const { address, ...person } = data.holder;
  for (const [field, value] of Object.entries({ ...person, ...address })) {
    if (value !== null && typeof value !== "string") problems.push(`holder.${field} is not a string`);
  }
  if (data.accounts.length === 0) problems.push("no accounts");
  const accountKeys = new Set<string>();
  for (const account of data.accounts) {
    if (accountKeys.has(account.key)) problems.push(`account key ${account.key} twice`);
    accountKeys.add(account.key);
    problems.push(...accountProblems(account));
  }
  return problems;
}

function accountProblems(account: BankAccount): string[] {
  const problems: string[] = [];
  const at = `account ${account.key}`;
  if (!account.key) problems.push(`${at}: empty key`);
  if (account.currency !== "CAD" && account.currency !== "USD") problems.push(`${at}: currency ${account.currency}`);
  if (!account.title) problems.push(`${at}: no title`);
  // An institution that tells no account number (SimpleFIN) leaves it empty rather than invent one.
  if (typeof account.accountNumber !== "string") problems.push(`${at}: account number is not a string`);
  for (const value of [account.balance.available, account.balance.current, account.balance.limit]) {
    if (value !== null && !Number.isFinite(value)) problems.push(`${at}: balance ${value}`);
  }
  const keys = new Set<string>();
  let previousDay = "9999-12-31";
  for (const t of account.transactions) {
    if (keys.has(t.key)) problems.push(`${at}: transaction key ${t.key} twice`);
    keys.add(t.key);
    if (!DAY.test(t.date)) problems.push(`${at}: date ${t.date}`);
    if (t.date > previousDay) problems.push(`${at}: ${t.date} after ${previousDay} (not newest first)`);
    previousDay = t.date;
    if ((t.debit === null) === (t.credit === null)) problems.push(`${at}: ${t.key} needs exactly one of debit and credit`);
    if (!Number.isFinite(t.balance)) problems.push(`${at}: ${t.key} balance ${t.balance}`);
  }
  return problems;
}
