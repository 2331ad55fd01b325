import { CREDIT_CARD_SPENDING } from "../bank-descriptions.js";
import { positiveModulo } from "./calendar.js";
import type { Profile } from "./profile.js";
import { hashText, mix32, Random } from "./seeded-random.js";
import { everydayChequingDraft, purchaseDraft, pushBillsDue } from "./statement-lines.js";
import type { Draft, Ledger, LedgerSpec } from "./walk-ledger.js";

/*
 * The four accounts' rules: how each month opens and what each day brings. The balance
 * anchors come from (seed, account, month) alone, so any day's balance is reproducible.
 */

const EPOCH_DAY_OF_A_FRIDAY = 1; // 1970-01-02
const SAVINGS_INTEREST_RATE_PER_YEAR = 0.0125;
const LINE_OF_CREDIT_RATE_PER_YEAR = 0.0845;
const CHEQUING_PURCHASES_PER_DAY = [0, 0, 0, 0, 1, 1, 1, 2] as const;
const CREDIT_CARD_PURCHASES_PER_DAY = [0, 0, 0, 1] as const;

export function chequingSpec(profile: Profile, creditLedgers: readonly Ledger[]): LedgerSpec {
  const cushionCents = noisyAnchor(profile.seedHash, "chq", profile.chequingCushionBaseCents, 0.4);
  return {
    key: "chq",
    seedHash: profile.seedHash,
    balanceIsOwed: false,
    // Rent leaves on the 1st, before the month's first payday: the month opens with rent plus a cushion.
    openingCents: (monthIndex) => profile.housingCents + cushionCents(monthIndex),
    draftsForDay(day, random) {
      const drafts: Draft[] = [];
      if (positiveModulo(day.epochDay - EPOCH_DAY_OF_A_FRIDAY, 14) === profile.paydayOffsetDays) {
        drafts.push({ description: `PAYROLL DEPOSIT - ${profile.employer}`, amountCents: profile.payrollCents });
      }
      pushBillsDue(drafts, profile.chequingBills, day, random);
      for (let count = random.pick(CHEQUING_PURCHASES_PER_DAY); count > 0; count--) drafts.push(everydayChequingDraft(profile, random));
      if (day.epochDay === day.month.lastEpochDay) {
        for (const ledger of creditLedgers) {
          const counterpart = ledger.chequingCounterpartByMonth.get(day.month.index);
          if (counterpart) drafts.push(counterpart);
        }
      }
      return drafts;
    },
    describeSettlement: (amountCents) => ({
      description: amountCents > 0 ? "TRANSFER FROM SAVINGS" : "TRANSFER TO SAVINGS",
    }),
  };
}

export function savingsSpec(profile: Profile): LedgerSpec {
  return {
    key: "sav",
    seedHash: profile.seedHash,
    balanceIsOwed: false,
    openingCents: noisyAnchor(profile.seedHash, "sav", profile.savingsOpeningBaseCents, 0.08),
    draftsForDay(day, _random, openingCents) {
      if (day.epochDay !== day.month.lastEpochDay) return [];
      return [{ description: "INTEREST", amountCents: monthlyInterestCents(openingCents, SAVINGS_INTEREST_RATE_PER_YEAR) }];
    },
    describeSettlement: (amountCents) => ({
      description: amountCents > 0 ? "TRANSFER FROM CHEQUING" : "TRANSFER TO CHEQUING",
    }),
  };
}

export function creditCardSpec(profile: Profile): LedgerSpec {
  return {
    key: "cc",
    seedHash: profile.seedHash,
    balanceIsOwed: true,
    openingCents: noisyAnchor(profile.seedHash, "cc", profile.creditCardOpeningBaseCents, 0.3),
    draftsForDay(day, random) {
      const drafts: Draft[] = [];
      pushBillsDue(drafts, profile.creditCardBills, day, random);
      for (let count = random.pick(CREDIT_CARD_PURCHASES_PER_DAY); count > 0; count--) {
        drafts.push(purchaseDraft(profile, CREDIT_CARD_SPENDING, random));
      }
      return drafts;
    },
    // A month with little spending can owe less than next month's opening: a cash advance to chequing fills the gap.
    describeSettlement: (amountCents) =>
      amountCents > 0
        ? { description: "PAYMENT - THANK YOU", chequingDescription: "CREDIT CARD PAYMENT - VISA" }
        : { description: "CASH ADVANCE - TRANSFER TO CHEQUING", chequingDescription: "CASH ADVANCE FROM VISA" },
  };
}

/** Paid down a little every month, with one advance every two years that resets it. */
export function lineOfCreditSpec(profile: Profile): LedgerSpec {
  const cycleMonths = 24;
  return {
    key: "loc",
    seedHash: profile.seedHash,
    balanceIsOwed: true,
    openingCents: (monthIndex) =>
      profile.lineOfCreditFloorCents +
      profile.lineOfCreditPaydownCents * (cycleMonths - 1 - positiveModulo(monthIndex + profile.lineOfCreditCyclePhase, cycleMonths)),
    draftsForDay(day, _random, openingCents) {
      if (day.epochDay !== day.month.lastEpochDay) return [];
      return [
        {
          description: "INTEREST CHARGE",
          amountCents: -monthlyInterestCents(openingCents, LINE_OF_CREDIT_RATE_PER_YEAR),
        },
      ];
    },
    describeSettlement: (amountCents) =>
      amountCents > 0
        ? { description: "PAYMENT - THANK YOU", chequingDescription: "LINE OF CREDIT PAYMENT" }
        : { description: "ADVANCE - TRANSFER TO CHEQUING", chequingDescription: "TRANSFER FROM LINE OF CREDIT" },
  };
}

/** B(M) = base ± spread, drawn per (seed, account, month) so no other month moves it. */
function noisyAnchor(seedHash: number, accountKey: string, baseCents: number, spread: number): (monthIndex: number) => number {
  const anchorSeed = mix32(seedHash, hashText(`${accountKey}/opening`));
  return (monthIndex) => Math.round(baseCents * (1 + spread * (2 * new Random(mix32(anchorSeed, monthIndex)).fraction() - 1)));
}

function monthlyInterestCents(balanceCents: number, ratePerYear: number): number {
  return Math.max(1, Math.round((balanceCents * ratePerYear) / 12));
}
