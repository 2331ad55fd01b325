import { DEBIT_CARD_SPENDING, FIRST_NAMES, LAST_NAMES, type SpendingCategory } from "../bank-descriptions.js";
import type { CalendarDay } from "./calendar.js";
import type { Bill, Profile } from "./profile.js";
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

/** One unplanned chequing line: mostly debit-card purchases, sometimes cash or an e-transfer. */
export function everydayChequingDraft(profile: Profile, random: Random): Draft {
  const roll = random.fraction();
  if (roll < 0.06) {
    return {
      description: `ATM WITHDRAWAL - BRANCH ${profile.transitNumber}`,
      amountCents: -2_000 * random.intBetween(1, 10),
    };
  }
  if (roll < 0.13)
    return {
      description: `INTERAC E-TRANSFER TO ${randomPayee(random)}`,
      amountCents: -100 * random.intBetween(20, 300),
    };
  if (roll < 0.17)
    return {
      description: `INTERAC E-TRANSFER FROM ${randomPayee(random)}`,
      amountCents: 100 * random.intBetween(20, 250),
    };
  return purchaseDraft(profile, DEBIT_CARD_SPENDING, random);
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

function randomPayee(random: Random): string {
  return `${toStatementText(random.pick(FIRST_NAMES))} ${toStatementText(random.pick(LAST_NAMES)).charAt(0)}`;
}

/** Bank statements print unaccented capitals: "Chloé" → "CHLOE". */
export function toStatementText(text: string): string {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toUpperCase();
}
