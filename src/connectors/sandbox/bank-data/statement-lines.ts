import type { CalendarDay } from "./calendar.js";
import type { Bill, Profile } from "./profile.js";
import type { SpendingCategory } from "./region-vocabulary.js";
import { hashText, mix32, type Random } from "./seeded-random.js";
import type { Draft } from "./walk-ledger.js";

export function pushBillsDue(drafts: Draft[], bills: readonly Bill[], day: CalendarDay, random: Random): void {
  for (const bill of bills) {
    if (bill.dayOfMonth !== day.dayOfMonth) continue;
    if (bill.monthOfYear !== undefined && bill.monthOfYear !== day.month.index % 12) continue;
    const amountCents = Math.round(bill.baseCents * (1 + bill.spread * (2 * random.fraction() - 1)));
    drafts.push({ description: bill.description, amountCents: -amountCents });
  }
}

/** One unplanned chequing line: mostly debit-card purchases, sometimes cash or money to or from a person. */
export function everydayChequingDraft(profile: Profile, day: CalendarDay, random: Random): Draft {
  const wording = profile.vocabulary.wording;
  const roll = random.fraction();
  if (roll < 0.06) {
    return {
      description: wording.atmWithdrawal(profile),
      amountCents: -2_000 * random.intBetween(1, 10),
    };
  }
  // The payee is drawn before the wording, which may draw too (US: Zelle, Venmo or a check).
  if (roll < 0.13) {
    const payee = randomPayee(profile, random);
    return {
      description: wording.paymentToPerson(payee, random, day.epochDay),
      amountCents: -100 * random.intBetween(20, 300),
    };
  }
  if (roll < 0.17) {
    const payee = randomPayee(profile, random);
    return {
      description: wording.paymentFromPerson(payee, random),
      amountCents: 100 * random.intBetween(20, 250),
    };
  }
  return purchaseDraft(profile, profile.vocabulary.debitCardSpending, random);
}

export function purchaseDraft(profile: Profile, categories: readonly SpendingCategory[], random: Random): Draft {
  const category = pickWeighted(categories, random);
  const merchant = random.pick(category.merchants);
  // Squaring skews amounts towards the small end, as real receipts are.
  const amountCents = category.minCents + Math.floor((category.maxCents - category.minCents) * random.fraction() ** 2);
  // One store number per merchant per customer: people keep going back to the same store.
  const description = category.hasStoreNumber ? `${merchant} #${1_000 + (mix32(profile.seedHash, hashText(merchant)) % 9_000)}` : merchant;
  return { description, amountCents: -amountCents };
}

function pickWeighted(categories: readonly SpendingCategory[], random: Random): SpendingCategory {
  const totalWeight = categories.reduce((sum, category) => sum + category.weight, 0);
  let remaining = random.intBetween(0, totalWeight - 1);
  for (const category of categories) {
    remaining -= category.weight;
    if (remaining < 0) return category;
  }
  throw new Error("pickWeighted needs a table with positive weights");
}

function randomPayee(profile: Profile, random: Random): string {
  const { firstNames, lastNames } = profile.vocabulary;
  return `${toStatementText(random.pick(firstNames))} ${toStatementText(random.pick(lastNames)).charAt(0)}`;
}

/** Bank statements print unaccented capitals: "Chloé" → "CHLOE". */
export function toStatementText(text: string): string {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toUpperCase();
}
