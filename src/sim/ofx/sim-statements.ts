import { aggregate, element, type OfxElement } from "../../connectors/ofx/codec/ofx-element.js";
import { formatOfxAmount } from "../../connectors/ofx/ofx-amount.js";
import { formatOfxDateTime } from "../../connectors/ofx/ofx-dates.js";
import type { BankTransaction } from "../../connectors/types.js";
import type { SimAccount } from "./sim-bank-data.js";
import { accountFrom, ofxBalance } from "./sim-responses.js";

/** Inclusive days (YYYY-MM-DD) a request's DTSTART and DTEND name; open ends when absent. */
export interface DayRange {
  from?: string;
  to?: string;
}

/**
 * STMTRS / CCSTMTRS (§11.4.2.2, §11.4.3.2): the account's transactions in the range, oldest
 * first as banks list them, with the ledger and available balances as of now. A restaurant
 * bill that has not posted yet and has posted since keep one FITID (the sandbox's key).
 */
export function statementReply(sim: SimAccount, range: DayRange, now: Date): OfxElement {
  const lines = sim.account.transactions.filter((t) => inRange(t.date, range)).reverse();
  const first = lines[0]?.date;
  const last = lines[lines.length - 1]?.date;
  const transactions = aggregate(
    "BANKTRANLIST",
    element("DTSTART", range.from ? dayStamp(range.from) : first ? dayStamp(first) : formatOfxDateTime(now)),
    element("DTEND", range.to ? dayStamp(range.to) : last ? dayStamp(last) : formatOfxDateTime(now)),
    ...lines.map(statementLine),
  );
  const { current, available } = sim.account.balance;
  return aggregate(
    sim.ref.kind === "card" ? "CCSTMTRS" : "STMTRS",
    element("CURDEF", sim.account.currency),
    accountFrom(sim.ref),
    transactions,
    aggregate("LEDGERBAL", element("BALAMT", ofxBalance(sim, current ?? 0)), element("DTASOF", formatOfxDateTime(now))),
    available === null
      ? undefined
      : aggregate("AVAILBAL", element("BALAMT", formatOfxAmount(Math.round(available * 100))), element("DTASOF", formatOfxDateTime(now))),
  );
}

function statementLine(t: BankTransaction): OfxElement {
  const cents = Math.round(((t.credit ?? 0) - (t.debit ?? 0)) * 100);
  // OFX 1.x caps NAME at 32 characters: the whole description goes in MEMO when it is longer.
  const name = t.description.slice(0, 32);
  return aggregate(
    "STMTTRN",
    element("TRNTYPE", cents >= 0 ? "CREDIT" : "DEBIT"),
    element("DTPOSTED", `${t.date.replace(/-/g, "")}120000.000[0:GMT]`),
    element("TRNAMT", formatOfxAmount(cents)),
    element("FITID", t.key),
    element("NAME", name),
    element("MEMO", t.description.length > 32 ? t.description : undefined),
  );
}

/**
 * STMTENDRS / CCSTMTENDRS (§11.5.2, §11.5.4): one closing per calendar month that ended before
 * today and overlaps the range, with the balances the account had at its edges.
 */
export function closingReply(sim: SimAccount, range: DayRange, now: Date): OfxElement {
  const currentMonth = now.toISOString().slice(0, 7);
  const months = [...new Set(sim.account.transactions.map((t) => t.date.slice(0, 7)))]
    .filter((m) => m < currentMonth)
    .sort()
    .reverse();
  const closings = months.flatMap((month) => {
    const periodStart = `${month}-01`;
    const periodEnd = lastDayOf(month);
    if ((range.from && periodEnd < range.from) || (range.to && periodStart > range.to)) return [];
    const closing = sim.account.transactions.find((t) => t.date <= periodEnd);
    const before = sim.account.transactions.find((t) => t.date < periodStart);
    const firstInMonth = sim.account.transactions.filter((t) => t.date.slice(0, 7) === month).at(-1);
    if (!closing || !firstInMonth) return [];
    const opening = before ? before.balance : firstInMonth.balance - netChange(sim, firstInMonth);
    return [
      aggregate(
        sim.ref.kind === "card" ? "CCCLOSING" : "CLOSING",
        element("FITID", `${sim.ref.acctId}-${month}`),
        element("DTCLOSE", dayStamp(periodEnd)),
        element("BALOPEN", ofxBalance(sim, opening)),
        element("BALCLOSE", ofxBalance(sim, closing.balance)),
        element("DTPOSTSTART", dayStamp(periodStart)),
        element("DTPOSTEND", dayStamp(periodEnd)),
      ),
    ];
  });
  return aggregate(
    sim.ref.kind === "card" ? "CCSTMTENDRS" : "STMTENDRS",
    element("CURDEF", sim.account.currency),
    accountFrom(sim.ref),
    ...closings,
  );
}

/** How a line moved the account's balance as the sandbox states it (what is owed, on credit accounts). */
function netChange(sim: SimAccount, t: BankTransaction): number {
  const inflow = (t.credit ?? 0) - (t.debit ?? 0);
  return sim.credit ? -inflow : inflow;
}

function inRange(day: string, range: DayRange): boolean {
  return (!range.from || day >= range.from) && (!range.to || day <= range.to);
}

function dayStamp(day: string): string {
  return `${day.replace(/-/g, "")}000000.000[0:GMT]`;
}

function lastDayOf(month: string): string {
  const [year, mon] = month.split("-").map(Number) as [number, number];
  return new Date(Date.UTC(year, mon, 0)).toISOString().slice(0, 10);
}
