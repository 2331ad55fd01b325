import type { AccountClosing, BankAccount, BankTransaction } from "../types.js";
import { accountKeyOf, type OfxAccountInfo } from "./ofx-account.js";
import type { ClosingReply, OfxTransaction } from "./read-statements.js";

export interface StatementTotals {
  currency?: string;
  ledgerCents?: number;
  availableCents?: number;
}

const BANK_TYPES: Readonly<Record<string, { type: string; title: string; credit: boolean }>> = {
  CHECKING: { type: "Chequing", title: "Checking", credit: false },
  SAVINGS: { type: "Savings", title: "Savings", credit: false },
  MONEYMRKT: { type: "Savings", title: "Money Market", credit: false },
  CD: { type: "Savings", title: "Certificate of Deposit", credit: false },
  CREDITLINE: { type: "LineOfCredit", title: "Line of Credit", credit: true },
};
const CARD = { type: "CreditCard", title: "Credit Card", credit: true };

/**
 * One OFX account as bankgate's BankAccount. OFX amounts are signed from the holder's side (a
 * purchase is negative, a card's LEDGERBAL is what is owed, negative); Flinks shows credit
 * accounts' balances as the positive amount owed, so those are negated. OFX gives no running
 * balance: it is derived backwards from LEDGERBAL, newest transaction first (the newest one's
 * balance is the ledger balance). Undefined for a currency Flinks accounts cannot carry.
 */
export function toBankAccount(
  fid: string,
  info: OfxAccountInfo,
  totals: StatementTotals,
  transactions: Iterable<OfxTransaction>,
  closings: ClosingReply["closings"],
): BankAccount | undefined {
  const currency = totals.currency ?? "USD";
  if (currency !== "USD" && currency !== "CAD") return undefined;
  const kind = info.ref.kind === "card" ? CARD : (BANK_TYPES[info.ref.acctType] ?? { type: "Other", title: "Account", credit: false });
  const sign = kind.credit ? -1 : 1;
  const currentCents = totals.ledgerCents === undefined ? undefined : sign * totals.ledgerCents;
  // Oldest first as listed (banks list a day's lines in the order they happened), then newest first.
  const ordered = [...transactions].map((t, index) => ({ t, index }));
  ordered.sort((a, b) => (a.t.date === b.t.date ? a.index - b.index : a.t.date < b.t.date ? -1 : 1)).reverse();
  let balanceCents = currentCents ?? 0;
  const lines: BankTransaction[] = ordered.map(({ t }) => {
    const line: BankTransaction = {
      key: t.fitId,
      date: t.date,
      description: describe(t),
      debit: t.amountCents < 0 ? -t.amountCents / 100 : null,
      credit: t.amountCents >= 0 ? t.amountCents / 100 : null,
      balance: balanceCents / 100,
    };
    balanceCents += sign * -t.amountCents;
    return line;
  });
  const available = totals.availableCents === undefined ? null : totals.availableCents / 100;
  const last4 = info.ref.acctId.slice(-4);
  return {
    key: accountKeyOf(fid, info.ref),
    title: info.description ?? `${kind.title} ${last4}`,
    category: kind.credit ? "Credits" : "Operations",
    type: kind.type,
    currency,
    transitNumber: info.ref.kind === "bank" ? info.ref.bankId : null,
    institutionNumber: null,
    accountNumber: info.ref.acctId,
    overdraftLimit: null,
    balance: {
      current: currentCents === undefined ? null : currentCents / 100,
      available,
      // A credit account's limit is what is owed plus what is still available.
      limit: kind.credit && available !== null && currentCents !== undefined ? (currentCents + (totals.availableCents ?? 0)) / 100 : null,
    },
    transactions: lines,
    ...(closings.length > 0 && { closings: closings.map((c) => closingOf(c, sign)).sort((a, b) => (a.periodEnd < b.periodEnd ? 1 : -1)) }),
  };
}

function closingOf(closing: ClosingReply["closings"][number], sign: number): AccountClosing {
  return {
    periodStart: closing.periodStart,
    periodEnd: closing.periodEnd,
    openingBalance: closing.openingCents === undefined ? null : (sign * closing.openingCents) / 100,
    closingBalance: (sign * closing.closingCents) / 100,
  };
}

/** NAME is at most 32 characters in OFX 1.x: a MEMO that continues it is the whole description. */
function describe(t: OfxTransaction): string {
  const name = t.name ?? "";
  const memo = t.memo ?? "";
  if (!memo || memo === name) return name || memo;
  if (!name || memo.startsWith(name)) return memo;
  return `${name} ${memo}`;
}
