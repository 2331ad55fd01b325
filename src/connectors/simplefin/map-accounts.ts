import type { AggregatedData, BankAccount, BankTransaction, Holder } from "../types.js";
import { accountKindOf } from "./account-kind.js";
import { centsToDollars } from "./decimal-cents.js";
import type { ParsedAccount, ParsedTransaction } from "./parse-account-set.js";

/**
 * SimpleFIN knows nothing of the account holder: every field is empty rather than invented, so
 * a caller that checks for a name sees there is none (docs/connectors/simplefin.md).
 */
export const UNKNOWN_HOLDER: Holder = {
  name: "",
  address: { civicAddress: "", city: "", province: "", postalCode: "", poBox: null, country: "" },
  email: "",
  phoneNumber: "",
};

const FLINKS_CURRENCIES = new Set(["USD", "CAD"]);

/** Marks a transaction that has not posted yet, as the sandbox banks do; it goes when it posts. */
const PENDING_SUFFIX = " (PENDING)";

/**
 * The merged accounts as Flinks accounts. Keys: the account's connection (or institution) and
 * its id; a transaction's: its account's key and its id — so a pending transaction that posts
 * under the same id keeps its TransactionId. Accounts in currencies the Flinks wire cannot
 * carry (other than USD and CAD, or a custom currency URL) are left out.
 */
export function toAggregatedData(accounts: readonly ParsedAccount[], now: Date): AggregatedData {
  return {
    loginType: "Personal",
    holder: UNKNOWN_HOLDER,
    accounts: accounts.filter((a) => FLINKS_CURRENCIES.has(a.currency)).map((a) => toBankAccount(a, now)),
  };
}

function toBankAccount(account: ParsedAccount, now: Date): BankAccount {
  const kind = accountKindOf(account.name);
  // Credits accounts show what is owed (a card's -120.00 is 120.00 owed); SimpleFIN signs balances as assets.
  const direction = kind.category === "Credits" ? -1 : 1;
  const currentCents = direction * account.balanceCents;
  return {
    key: account.key,
    title: account.name,
    category: kind.category,
    type: kind.type,
    currency: account.currency as "USD" | "CAD",
    transitNumber: null,
    institutionNumber: null,
    accountNumber: "",
    overdraftLimit: null,
    balance: {
      current: centsToDollars(currentCents),
      available: account.availableCents === null ? null : centsToDollars(account.availableCents),
      limit: null,
    },
    transactions: withRunningBalances(account.key, newestFirst(account.transactions, now), currentCents, direction, now),
  };
}

/**
 * The contract wants the balance after each transaction; SimpleFIN gives only the account's.
 * Walking from the newest, each posted transaction's balance is the one after it, and the one
 * before it is that minus its effect. Pending transactions are assumed not to be in the
 * reported balance yet: they show the current balance and move nothing.
 */
function withRunningBalances(
  accountKey: string,
  transactions: readonly ParsedTransaction[],
  currentCents: number,
  direction: number,
  now: Date,
): BankTransaction[] {
  let afterCents = currentCents;
  return transactions.map((t) => {
    const line: BankTransaction = {
      key: JSON.stringify([accountKey, t.id]),
      date: utcDate(whenOf(t, now)),
      description: t.pending ? `${t.description}${PENDING_SUFFIX}` : t.description,
      debit: t.amountCents < 0 ? centsToDollars(-t.amountCents) : null,
      credit: t.amountCents >= 0 ? centsToDollars(t.amountCents) : null,
      balance: centsToDollars(afterCents),
    };
    if (!t.pending) afterCents -= direction * t.amountCents;
    return line;
  });
}

/** Pending first (they are the newest), then by when they posted, newest first; ids break ties so the order is stable. */
function newestFirst(transactions: readonly ParsedTransaction[], now: Date): ParsedTransaction[] {
  return [...transactions].sort(
    (a, b) => Number(b.pending) - Number(a.pending) || whenOf(b, now) - whenOf(a, now) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0),
  );
}

/** Epoch seconds: when it posted, or for a pending one when it happened (else now). */
function whenOf(t: ParsedTransaction, now: Date): number {
  return t.postedAt ?? t.transactedAt ?? Math.floor(now.getTime() / 1000);
}

function utcDate(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().slice(0, 10);
}
