import { positiveModulo } from "./calendar.js";
import { type EverydayPace, pushEverydayDrafts, unplannedLinesPerDay } from "./everyday-lines.js";
import type { Profile } from "./profile.js";
import { hashText, mix32, Random } from "./seeded-random.js";
import { everydayChequingDraft, purchaseDraft, pushBillsDue } from "./statement-lines.js";
import type { Draft, Ledger, LedgerSpec } from "./walk-ledger.js";

/*
 * The four kinds of account's rules: how each month opens and what each day brings. The
 * balance anchors come from (seed, account key, month) alone, so any day's balance is
 * reproducible. The texts come from the profile's region vocabulary.
 */

/** One account to open: its key (which salts its randomness) and whose profile it follows. */
export interface AccountPlan {
  key: string;
  profile: Profile;
  /** transactionsPerAccount spread over the window's days; absent: the natural pace. */
  targetLinesPerDay?: number;
}

const EPOCH_DAY_OF_A_FRIDAY = 1; // 1970-01-02
const SAVINGS_INTEREST_RATE_PER_YEAR = 0.0125;
const LINE_OF_CREDIT_RATE_PER_YEAR = 0.0845;
const CHEQUING_PURCHASES_PER_DAY = [0, 0, 0, 0, 1, 1, 1, 2] as const;
const CREDIT_CARD_PURCHASES_PER_DAY = [0, 0, 0, 1] as const;

/** `creditLedgers`: the credit accounts this chequing account pays at each month's end. */
export function chequingSpec({ key, profile, targetLinesPerDay }: AccountPlan, creditLedgers: readonly Ledger[]): LedgerSpec {
  const wording = profile.vocabulary.wording;
  const cushionCents = noisyAnchor(profile.seedHash, key, profile.chequingCushionBaseCents, 0.4);
  const pace: EverydayPace = {
    naturalCounts: CHEQUING_PURCHASES_PER_DAY,
    // Payroll, five bills, two credit payments and the savings transfer.
    linesPerDay: unplannedLinesPerDay(targetLinesPerDay, 10),
    spend: (random, day) => everydayChequingDraft(profile, day, random),
    refill: (amountCents) => ({ description: wording.deposit, amountCents }),
    refillBelowCents: 100_000,
  };
  return {
    key,
    seedHash: profile.seedHash,
    balanceIsOwed: false,
    // Rent leaves on the 1st, before the month's first payday: the month opens with rent plus a cushion.
    openingCents: (monthIndex) => profile.housingCents + cushionCents(monthIndex),
    draftsForDay(day, random, _openingCents, netBeforeDayCents) {
      const drafts: Draft[] = [];
      if (positiveModulo(day.epochDay - EPOCH_DAY_OF_A_FRIDAY, 14) === profile.paydayOffsetDays) {
        drafts.push({ description: wording.payroll(profile.employer), amountCents: profile.payrollCents });
      }
      pushBillsDue(drafts, profile.chequingBills, day, random);
      pushEverydayDrafts(drafts, pace, day, random, netBeforeDayCents);
      if (day.epochDay === day.month.lastEpochDay) {
        for (const ledger of creditLedgers) {
          const counterpart = ledger.chequingCounterpartByMonth.get(day.month.index);
          if (counterpart) drafts.push(counterpart);
        }
      }
      return drafts;
    },
    describeSettlement: (amountCents) => ({
      description: amountCents > 0 ? wording.transferFromSavings : wording.transferToSavings,
    }),
  };
}

export function savingsSpec({ key, profile, targetLinesPerDay }: AccountPlan): LedgerSpec {
  const wording = profile.vocabulary.wording;
  const pace: EverydayPace = {
    // Interest and the chequing transfer.
    linesPerDay: unplannedLinesPerDay(targetLinesPerDay, 2),
    spend: (random) => ({ description: wording.transferToChequing, amountCents: -100 * random.intBetween(20, 400) }),
    refill: (amountCents) => ({ description: wording.transferFromChequing, amountCents }),
    refillBelowCents: 200_000,
  };
  return {
    key,
    seedHash: profile.seedHash,
    balanceIsOwed: false,
    openingCents: noisyAnchor(profile.seedHash, key, profile.savingsOpeningBaseCents, 0.08),
    draftsForDay(day, random, openingCents, netBeforeDayCents) {
      const drafts: Draft[] = [];
      pushEverydayDrafts(drafts, pace, day, random, netBeforeDayCents);
      if (day.epochDay === day.month.lastEpochDay) {
        drafts.push({
          description: wording.savingsInterest,
          amountCents: monthlyInterestCents(openingCents, SAVINGS_INTEREST_RATE_PER_YEAR),
        });
      }
      return drafts;
    },
    describeSettlement: (amountCents) => ({
      description: amountCents > 0 ? wording.transferFromChequing : wording.transferToChequing,
    }),
  };
}

export function creditCardSpec({ key, profile, targetLinesPerDay }: AccountPlan): LedgerSpec {
  const wording = profile.vocabulary.wording;
  const pace: EverydayPace = {
    naturalCounts: CREDIT_CARD_PURCHASES_PER_DAY,
    // Two subscriptions, the month-end payment and a twelfth of the annual fee.
    linesPerDay: unplannedLinesPerDay(targetLinesPerDay, 3),
    spend: (random) => purchaseDraft(profile, profile.vocabulary.creditCardSpending, random),
    refill: (amountCents) => ({ description: wording.cardPayment, amountCents }),
    refillBelowCents: 150_000,
  };
  return {
    key,
    seedHash: profile.seedHash,
    balanceIsOwed: true,
    openingCents: noisyAnchor(profile.seedHash, key, profile.creditCardOpeningBaseCents, 0.3),
    draftsForDay(day, random, _openingCents, netBeforeDayCents) {
      const drafts: Draft[] = [];
      pushBillsDue(drafts, profile.creditCardBills, day, random);
      pushEverydayDrafts(drafts, pace, day, random, netBeforeDayCents);
      return drafts;
    },
    // A month with little spending can owe less than next month's opening: a cash advance to chequing fills the gap.
    describeSettlement: (amountCents) =>
      amountCents > 0
        ? { description: wording.cardPayment, chequingDescription: wording.cardPaymentFromChequing }
        : { description: wording.cashAdvance, chequingDescription: wording.cashAdvanceToChequing },
  };
}

/** Paid down a little every month, with one advance every two years that resets it. */
export function lineOfCreditSpec({ key, profile, targetLinesPerDay }: AccountPlan): LedgerSpec {
  const wording = profile.vocabulary.wording;
  const cycleMonths = 24;
  const pace: EverydayPace = {
    // Interest and the month-end payment.
    linesPerDay: unplannedLinesPerDay(targetLinesPerDay, 2),
    spend: (random) => ({ description: wording.lineOfCreditAdvance, amountCents: -100 * random.intBetween(50, 500) }),
    refill: (amountCents) => ({ description: wording.lineOfCreditPayment, amountCents }),
    refillBelowCents: 200_000,
  };
  return {
    key,
    seedHash: profile.seedHash,
    balanceIsOwed: true,
    openingCents: (monthIndex) =>
      profile.lineOfCreditFloorCents +
      profile.lineOfCreditPaydownCents * (cycleMonths - 1 - positiveModulo(monthIndex + profile.lineOfCreditCyclePhase, cycleMonths)),
    draftsForDay(day, random, openingCents, netBeforeDayCents) {
      const drafts: Draft[] = [];
      pushEverydayDrafts(drafts, pace, day, random, netBeforeDayCents);
      if (day.epochDay === day.month.lastEpochDay) {
        drafts.push({
          description: wording.lineOfCreditInterest,
          amountCents: -monthlyInterestCents(openingCents, LINE_OF_CREDIT_RATE_PER_YEAR),
        });
      }
      return drafts;
    },
    describeSettlement: (amountCents) =>
      amountCents > 0
        ? { description: wording.lineOfCreditPayment, chequingDescription: wording.lineOfCreditPaymentFromChequing }
        : { description: wording.lineOfCreditAdvance, chequingDescription: wording.transferFromLineOfCredit },
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
