import type { AccountCategory } from "../types.js";

export interface AccountKind {
  category: AccountCategory;
  type: string;
}

/**
 * SimpleFIN says nothing of an account's kind, only its name; the Flinks Category and Type are
 * guessed from words in it (first match wins, so "Credit Card Savings Rewards" is a card).
 * Credits accounts show what is owed, so their balances are turned around (map-accounts.ts);
 * a name that matches nothing is `Other` / `Unknown`, never a guess at the sign.
 */
const RULES: ReadonlyArray<{ words: RegExp; kind: AccountKind }> = [
  {
    words: /\b(credit ?card|visa|master ?card|amex|american express|discover card|card)\b/i,
    kind: { category: "Credits", type: "CreditCard" },
  },
  { words: /\b(line of credit|heloc|loc)\b/i, kind: { category: "Credits", type: "LineOfCredit" } },
  { words: /\bmortgage\b/i, kind: { category: "Credits", type: "Mortgage" } },
  { words: /\b(loan|auto|student)\b/i, kind: { category: "Credits", type: "Loan" } },
  { words: /\b(checking|chequing|cheque|current|everyday)\b/i, kind: { category: "Operations", type: "Chequing" } },
  { words: /\b(savings?|money market|high yield)\b/i, kind: { category: "Operations", type: "Savings" } },
  { words: /\b(certificate of deposit|cd)\b/i, kind: { category: "Products", type: "CertificateOfDeposit" } },
  { words: /\b(401\s?k|ira|roth|brokerage|investments?|retirement|hsa)\b/i, kind: { category: "Products", type: "Brokerage" } },
];

export function accountKindOf(name: string): AccountKind {
  return RULES.find((rule) => rule.words.test(name))?.kind ?? { category: "Other", type: "Unknown" };
}
