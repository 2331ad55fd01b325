import { createHash } from "node:crypto";
import type { Holder } from "../connectors/types.js";
import type { SnapshotAccount, SnapshotTransaction } from "../records/snapshot.js";
import { fitText, LETTER, type PdfPage, type PdfText, writePdf } from "./pdf-writer.js";

/**
 * How many monthly statements `/GetStatements` answers per account
 * (https://docs.flinks.com/api/connect/endpoints/account-linking/get-statements).
 */
export const STATEMENT_MONTHS = { MostRecent: 1, Months3: 3, Months12: 12 } as const;
export type NumberOfStatements = keyof typeof STATEMENT_MONTHS;

/** One calendar month: `month` is YYYY-MM, `from`/`to` its first and last day (YYYY-MM-DD). */
export interface StatementPeriod {
  month: string;
  from: string;
  to: string;
}

export interface StatementLine {
  date: string;
  description: string;
  debit: number | null;
  credit: number | null;
  balance: number;
}

export interface Statement {
  period: StatementPeriod;
  openingBalance: number;
  closingBalance: number;
  /** The account's transactions of the month, oldest first. */
  lines: StatementLine[];
}

export interface StatementContext {
  institutionName: string;
  holder: Holder;
}

/**
 * The `count` full calendar months before `refreshDay` (YYYY-MM-DD), newest first: a
 * refresh on 2026-01-15 (or 2026-01-01) has December 2025 as its most recent statement.
 */
export function statementPeriods(refreshDay: string, count: number): StatementPeriod[] {
  const year = Number(refreshDay.slice(0, 4));
  const month = Number(refreshDay.slice(5, 7)) - 1;
  const periods: StatementPeriod[] = [];
  for (let back = 1; back <= count; back++) {
    const first = new Date(Date.UTC(year, month - back, 1));
    const last = new Date(Date.UTC(year, month - back + 1, 0));
    const from = first.toISOString().slice(0, 10);
    periods.push({ month: from.slice(0, 7), from, to: last.toISOString().slice(0, 10) });
  }
  return periods;
}

/** A stable id for one statement: the same account and month always give the same id. */
export function statementUniqueId(accountId: string, period: StatementPeriod): string {
  return createHash("sha256").update(`statement\u0000${accountId}\u0000${period.month}`).digest("hex").slice(0, 32).toUpperCase();
}

/** What a transaction does to the balance: owed (Credits) accounts grow with debits. */
function balanceChange(account: SnapshotAccount, t: SnapshotTransaction): number {
  const inflow = (t.credit ?? 0) - (t.debit ?? 0);
  return account.category === "Credits" ? -inflow : inflow;
}

function cents(value: number): number {
  return Math.round(value * 100) / 100;
}

/** The balance at the end of `day`: after the newest transaction on or before it. */
function balanceAtEndOf(account: SnapshotAccount, day: string): number {
  const newestFirst = account.transactions;
  const last = newestFirst.find((t) => t.date <= day);
  if (last) return last.balance;
  const oldest = newestFirst.at(-1);
  if (oldest) return cents(oldest.balance - balanceChange(account, oldest));
  return account.balance.current ?? 0;
}

/** One month of an account, from the snapshot's transactions and running balances. */
export function buildStatement(account: SnapshotAccount, period: StatementPeriod): Statement {
  const inMonth = account.transactions.filter((t) => t.date >= period.from && t.date <= period.to).reverse();
  const oldest = inMonth[0];
  const openingBalance = oldest ? cents(oldest.balance - balanceChange(account, oldest)) : balanceAtEndOf(account, dayBefore(period.from));
  const closingBalance = inMonth.at(-1)?.balance ?? openingBalance;
  return {
    period,
    openingBalance,
    closingBalance,
    lines: inMonth.map((t) => ({ date: t.date, description: t.description, debit: t.debit, credit: t.credit, balance: t.balance })),
  };
}

function dayBefore(isoDay: string): string {
  const at = new Date(`${isoDay}T00:00:00.000Z`);
  at.setUTCDate(at.getUTCDate() - 1);
  return at.toISOString().slice(0, 10);
}

/** 1234.5 → "1,234.50"; -3 → "-3.00". */
export function formatAmount(value: number): string {
  const [whole = "0", fraction = "00"] = Math.abs(value).toFixed(2).split(".");
  return `${value < 0 && cents(value) !== 0 ? "-" : ""}${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}.${fraction}`;
}

/** "****1234": statements never print the whole account number. */
export function maskAccountNumber(accountNumber: string): string {
  return `****${accountNumber.slice(-4)}`;
}

// Layout, in points on a US Letter page.
const MARGIN = 50;
const RIGHT = LETTER.width - MARGIN;
const ROW = 13;
const TABLE_SIZE = 8.5;
const COLUMNS = { date: MARGIN, description: MARGIN + 62, debit: 400, credit: 475, balance: RIGHT } as const;
const DESCRIPTION_WIDTH = 400 - 60 - COLUMNS.description;
const FOOTER_Y = 36;

/** The statement as a PDF: header, opening balance, one row per transaction, closing balance and totals. */
export function renderStatementPdf(account: SnapshotAccount, statement: Statement, context: StatementContext, uniqueId: string): Buffer {
  const pages: PdfPage[] = [];
  let page: PdfPage = { texts: [], rules: [] };
  let y = 0;
  const text = (x: number, text: string, size: number, extra: Partial<PdfText> = {}) => page.texts.push({ x, y, text, size, ...extra });
  const rule = () => page.rules?.push({ x1: MARGIN, y1: y, x2: RIGHT, y2: y });

  const tableHeader = () => {
    text(COLUMNS.date, "Date", TABLE_SIZE, { font: "Helvetica-Bold" });
    text(COLUMNS.description, "Description", TABLE_SIZE, { font: "Helvetica-Bold" });
    text(COLUMNS.debit, "Debit", TABLE_SIZE, { font: "Helvetica-Bold", align: "right" });
    text(COLUMNS.credit, "Credit", TABLE_SIZE, { font: "Helvetica-Bold", align: "right" });
    text(COLUMNS.balance, "Balance", TABLE_SIZE, { font: "Helvetica-Bold", align: "right" });
    y -= 5;
    rule();
    y -= ROW;
  };
  const newPage = (first: boolean) => {
    page = { texts: [], rules: [] };
    pages.push(page);
    y = LETTER.height - MARGIN;
    if (!first) {
      text(MARGIN, `${account.title} ${maskAccountNumber(account.accountNumber)} - ${periodLabel(statement.period)} (continued)`, 9);
      y -= ROW * 2;
      tableHeader();
    }
  };
  const row = (date: string, description: string, debit: string, credit: string, balance: string) => {
    if (y < FOOTER_Y + ROW * 2) newPage(false);
    if (date) text(COLUMNS.date, date, TABLE_SIZE);
    text(COLUMNS.description, fitText(description, DESCRIPTION_WIDTH, TABLE_SIZE), TABLE_SIZE);
    if (debit) text(COLUMNS.debit, debit, TABLE_SIZE, { align: "right" });
    if (credit) text(COLUMNS.credit, credit, TABLE_SIZE, { align: "right" });
    if (balance) text(COLUMNS.balance, balance, TABLE_SIZE, { align: "right" });
    y -= ROW;
  };

  newPage(true);
  text(MARGIN, context.institutionName, 16, { font: "Helvetica-Bold" });
  text(RIGHT, "Account statement", 12, { font: "Helvetica-Bold", align: "right" });
  y -= 28;
  const address = context.holder.address;
  for (const line of [
    context.holder.name,
    address.civicAddress,
    `${address.city} ${address.province} ${address.postalCode}`.trim(),
    address.country,
  ]) {
    if (line) text(MARGIN, line, 9.5);
    y -= 12;
  }
  y -= 10;
  const facts: Array<[string, string]> = [
    ["Account", `${account.title} ${maskAccountNumber(account.accountNumber)}`],
    ["Statement period", `${statement.period.from} to ${statement.period.to}`],
    ["Currency", account.currency],
    ["Opening balance", formatAmount(statement.openingBalance)],
    ["Closing balance", formatAmount(statement.closingBalance)],
    ...reportedClosing(account, statement.period),
  ];
  for (const [label, value] of facts) {
    text(MARGIN, `${label}:`, 9.5, { font: "Helvetica-Bold" });
    text(MARGIN + 110, value, 9.5);
    y -= 13;
  }
  y -= 12;
  tableHeader();
  row("", "Opening balance", "", "", formatAmount(statement.openingBalance));
  for (const line of statement.lines) {
    row(
      line.date,
      line.description,
      line.debit !== null ? formatAmount(line.debit) : "",
      line.credit !== null ? formatAmount(line.credit) : "",
      formatAmount(line.balance),
    );
  }
  row("", "Closing balance", "", "", formatAmount(statement.closingBalance));
  const totalDebits = cents(statement.lines.reduce((sum, l) => sum + (l.debit ?? 0), 0));
  const totalCredits = cents(statement.lines.reduce((sum, l) => sum + (l.credit ?? 0), 0));
  row(
    "",
    `Totals (${statement.lines.length} transaction${statement.lines.length === 1 ? "" : "s"})`,
    formatAmount(totalDebits),
    formatAmount(totalCredits),
    "",
  );

  // Not the institution's own document: every page says who made it and from what.
  const disclaimer = fitText(
    `Generated by bankgate from the transactions ${context.institutionName} reported; not a statement issued by ${context.institutionName}.`,
    RIGHT - MARGIN,
    7,
  );
  pages.forEach((p, i) => {
    p.texts.push({ x: MARGIN, y: FOOTER_Y, text: `Statement ${uniqueId}`, size: 7 });
    p.texts.push({ x: RIGHT, y: FOOTER_Y, text: `Page ${i + 1} of ${pages.length}`, size: 7, align: "right" });
    p.texts.push({ x: MARGIN, y: FOOTER_Y - 10, text: disclaimer, size: 7 });
  });
  return writePdf({ title: `${account.title} ${periodLabel(statement.period)}`, pages });
}

/** The institution's own closing for this period (OFX closing information), shown beside the computed one. */
function reportedClosing(account: SnapshotAccount, period: StatementPeriod): Array<[string, string]> {
  const closing = account.closings?.find((c) => c.periodEnd >= period.from && c.periodEnd <= period.to);
  if (!closing) return [];
  return [["Reported closing", `${formatAmount(closing.closingBalance)} (institution's statement ending ${closing.periodEnd})`]];
}

const MONTH_NAMES = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

function periodLabel(period: StatementPeriod): string {
  return `${MONTH_NAMES[Number(period.month.slice(5, 7)) - 1]} ${period.month.slice(0, 4)}`;
}
