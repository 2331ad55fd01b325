import type { BankTransaction } from "../../types.js";
import { type CalendarDay, type CalendarMonth, type DayWindow, pad2 } from "./calendar.js";
import { toDollars } from "./cents.js";
import { hashText, mix32, Random } from "./seeded-random.js";

/** A movement before its balance is known: positive fills the credit column, negative the debit. */
export interface Draft {
  description: string;
  amountCents: number;
}

/** What makes one account's statement: its balance anchors and the lines each day brings. */
export interface LedgerSpec {
  /** The institution's stable account key; it also salts the account's randomness. */
  key: string;
  seedHash: number;
  /**
   * Credits accounts (cards, lines of credit, loans) show the amount owed, so a debit raises their
   * balance.
   */
  balanceIsOwed: boolean;
  /** B(M): the balance before the first transaction of month M. */
  openingCents(monthIndex: number): number;
  /** `netBeforeDayCents`: the month's lines before this day, summed (credits positive); it too depends only on (seed, account, day). */
  draftsForDay(day: CalendarDay, random: Random, openingCents: number, netBeforeDayCents: number): Draft[];
  /** The month-end movement that lands the balance on next month's opening. */
  describeSettlement(amountCents: number): { description: string; chequingDescription?: string };
}

export interface Ledger {
  transactions: BankTransaction[]; // newest first, as the institution lists them
  closingCents: number; // balance at the end of the window's last day
  /** Money this account's settlements moved through chequing, by month index. */
  chequingCounterpartByMonth: Map<number, Draft>;
}

/**
 * Walks each month from its opening anchor, one day at a time, and settles the month's
 * last day onto next month's anchor. Days before the window are walked but not listed, so a
 * listed balance never depends on how long the window is.
 */
export function walkLedger(spec: LedgerSpec, months: readonly CalendarMonth[], window: DayWindow): Ledger {
  const accountSeed = mix32(spec.seedHash, hashText(spec.key));
  const oldestFirst: BankTransaction[] = [];
  const chequingCounterpartByMonth = new Map<number, Draft>();
  const balanceDirection = spec.balanceIsOwed ? -1 : 1;
  let balanceCents = 0;
  for (const month of months) {
    const openingCents = spec.openingCents(month.index);
    balanceCents = openingCents;
    const walkThroughEpochDay = Math.min(month.lastEpochDay, window.lastEpochDay);
    for (let epochDay = month.firstEpochDay; epochDay <= walkThroughEpochDay; epochDay++) {
      const day = { epochDay, dayOfMonth: epochDay - month.firstEpochDay + 1, month };
      const netBeforeDayCents = (balanceCents - openingCents) * balanceDirection;
      const drafts = spec.draftsForDay(day, new Random(mix32(accountSeed, epochDay)), openingCents, netBeforeDayCents);
      if (epochDay === month.lastEpochDay) {
        const draftsCents = drafts.reduce((sum, draft) => sum + draft.amountCents, 0);
        const settlementCents = (spec.openingCents(month.index + 1) - balanceCents) * balanceDirection - draftsCents;
        if (settlementCents !== 0) {
          const { description, chequingDescription } = spec.describeSettlement(settlementCents);
          drafts.push({ description, amountCents: settlementCents });
          if (chequingDescription)
            chequingCounterpartByMonth.set(month.index, {
              description: chequingDescription,
              amountCents: -settlementCents,
            });
        }
      }
      const date = month.datePrefix + pad2(day.dayOfMonth);
      drafts.forEach((draft, indexInDay) => {
        balanceCents += draft.amountCents * balanceDirection;
        if (epochDay < window.firstEpochDay) return;
        oldestFirst.push({
          key: `${spec.key}-${date}-${indexInDay}`,
          date,
          description: draft.description,
          debit: draft.amountCents < 0 ? toDollars(-draft.amountCents) : null,
          credit: draft.amountCents > 0 ? toDollars(draft.amountCents) : null,
          balance: toDollars(balanceCents),
        });
      });
    }
  }
  return { transactions: oldestFirst.reverse(), closingCents: balanceCents, chequingCounterpartByMonth };
}
