import { childOf, childrenOf, type OfxElement, pathOf, textAt } from "./codec/ofx-element.js";
import type { OfxAccountInfo } from "./ofx-account.js";
import { parseOfxAmountCents } from "./ofx-amount.js";
import { dayOfOfxDate } from "./ofx-dates.js";
import { statusCodeAt } from "./read-signon.js";

export interface AccountListReply {
  code: number;
  accounts: OfxAccountInfo[];
}

/** ACCTINFORS (§8.5.3): bank and card accounts that allow downloads; investment and loan accounts are left out. */
export function readAccountList(root: OfxElement): AccountListReply | undefined {
  const trnrs = pathOf(root, "SIGNUPMSGSRSV1/ACCTINFOTRNRS");
  const code = statusCodeAt(trnrs);
  if (code === undefined) return undefined;
  const accounts: OfxAccountInfo[] = [];
  for (const info of childrenOf(childOf(trnrs, "ACCTINFORS"), "ACCTINFO")) {
    const description = textAt(info, "DESC");
    const bank = childOf(info, "BANKACCTINFO");
    const card = childOf(info, "CCACCTINFO");
    const usable = (x: OfxElement) =>
      textAt(x, "SUPTXDL")?.toUpperCase() !== "N" && (textAt(x, "SVCSTATUS") ?? "ACTIVE").toUpperCase() === "ACTIVE";
    if (bank && usable(bank)) {
      const from = childOf(bank, "BANKACCTFROM");
      const [bankId, acctId, acctType] = [textAt(from, "BANKID"), textAt(from, "ACCTID"), textAt(from, "ACCTTYPE")?.toUpperCase()];
      if (bankId && acctId && acctType)
        accounts.push({ ref: { kind: "bank", bankId, branchId: textAt(from, "BRANCHID"), acctId, acctType }, description });
    } else if (card && usable(card)) {
      const acctId = textAt(card, "CCACCTFROM/ACCTID");
      if (acctId) accounts.push({ ref: { kind: "card", acctId }, description });
    }
  }
  return { code, accounts };
}

export interface OfxTransaction {
  fitId: string;
  /** YYYY-MM-DD, the bank's own day. */
  date: string;
  amountCents: number;
  name?: string;
  memo?: string;
}

export interface StatementReply {
  code: number;
  currency?: string;
  ledgerCents?: number;
  availableCents?: number;
  transactions: OfxTransaction[];
}

/** A STMTRS or CCSTMTRS (§11.4.2.2, §11.4.3.2). Transactions without FITID, date or amount are dropped. */
export function readStatement(root: OfxElement): StatementReply | undefined {
  const trnrs = pathOf(root, "BANKMSGSRSV1/STMTTRNRS") ?? pathOf(root, "CREDITCARDMSGSRSV1/CCSTMTTRNRS");
  const code = statusCodeAt(trnrs);
  if (code === undefined) return undefined;
  const stmtrs = childOf(trnrs, "STMTRS") ?? childOf(trnrs, "CCSTMTRS");
  const transactions: OfxTransaction[] = [];
  for (const trn of childrenOf(childOf(stmtrs, "BANKTRANLIST"), "STMTTRN")) {
    const fitId = textAt(trn, "FITID");
    const date = dayOfOfxDate(textAt(trn, "DTPOSTED"));
    const amountCents = parseOfxAmountCents(textAt(trn, "TRNAMT"));
    if (!fitId || !date || amountCents === undefined) continue;
    transactions.push({ fitId, date, amountCents, name: textAt(trn, "NAME") ?? textAt(trn, "PAYEE/NAME"), memo: textAt(trn, "MEMO") });
  }
  return {
    code,
    currency: textAt(stmtrs, "CURDEF")?.toUpperCase(),
    ledgerCents: parseOfxAmountCents(textAt(stmtrs, "LEDGERBAL/BALAMT")),
    availableCents: parseOfxAmountCents(textAt(stmtrs, "AVAILBAL/BALAMT")),
    transactions,
  };
}

export interface ClosingReply {
  code: number;
  closings: Array<{ periodStart: string; periodEnd: string; openingCents?: number; closingCents: number }>;
}

/** STMTENDRS / CCSTMTENDRS (§11.5.2, §11.5.4): each closed period's dates and balances. */
export function readClosings(root: OfxElement): ClosingReply | undefined {
  const trnrs = pathOf(root, "BANKMSGSRSV1/STMTENDTRNRS") ?? pathOf(root, "CREDITCARDMSGSRSV1/CCSTMTENDTRNRS");
  const code = statusCodeAt(trnrs);
  if (code === undefined) return undefined;
  const endrs = childOf(trnrs, "STMTENDRS") ?? childOf(trnrs, "CCSTMTENDRS");
  const closings = [...childrenOf(endrs, "CLOSING"), ...childrenOf(endrs, "CCCLOSING")].flatMap((closing) => {
    const periodStart = dayOfOfxDate(textAt(closing, "DTPOSTSTART"));
    const periodEnd = dayOfOfxDate(textAt(closing, "DTPOSTEND"));
    const closingCents = parseOfxAmountCents(textAt(closing, "BALCLOSE"));
    if (!periodStart || !periodEnd || closingCents === undefined) return [];
    return [{ periodStart, periodEnd, openingCents: parseOfxAmountCents(textAt(closing, "BALOPEN")), closingCents }];
  });
  return { code, closings };
}
