import type { Random } from "./seeded-random.js";

/**
 * What differs between a Canadian and a US statement: the words, places and number
 * formats. The ledger rules (profile.ts, account-ledgers.ts, statement-lines.ts) receive one
 * of these through the Profile, so each region is a data file, never a second copy of the rules.
 */

export interface SpendingCategory {
  merchants: readonly string[];
  minCents: number;
  maxCents: number;
  /** Relative frequency among the categories of one table. */
  weight: number;
  /** Chains print a store number ("TIM HORTONS #2817"); online merchants do not. */
  hasStoreNumber: boolean;
}

export interface RegionCity {
  city: string;
  /** Two-letter province or state code, as Flinks' Holder.Address.Province carries it. */
  province: string;
  /** The part of the postal code the place fixes: Canada Post's first letter, or a ZIP code's first three digits. */
  postalCodePrefix: string;
  areaCode: string;
  streets: readonly string[];
  /** The electricity utility that bills homes in this city. */
  electricityUtility: string;
}

/** Where a line's text needs more than a name: a branch, a place. */
export interface StatementPlace {
  transitNumber: string;
  city: RegionCity;
}

/** The statement lines' texts; the rules decide when they happen and for how much. */
export interface StatementWording {
  payroll(employer: string): string;
  rentPayment(propertyManager: string): string;
  mortgagePayment: string;
  atmWithdrawal(place: StatementPlace): string;
  /** Money sent to or received from a person (Interac e-Transfer, Zelle, a check…); may draw from random. */
  paymentToPerson(payee: string, random: Random, epochDay: number): string;
  paymentFromPerson(payee: string, random: Random): string;
  /** A busy chequing account's refill when everyday spending has run it down. */
  deposit: string;
  transferFromSavings: string;
  transferToSavings: string;
  transferFromChequing: string;
  transferToChequing: string;
  savingsInterest: string;
  cardPayment: string;
  cardPaymentFromChequing: string;
  cashAdvance: string;
  cashAdvanceToChequing: string;
  lineOfCreditInterest: string;
  lineOfCreditAdvance: string;
  lineOfCreditPayment: string;
  lineOfCreditPaymentFromChequing: string;
  transferFromLineOfCredit: string;
}

export interface RegionVocabulary {
  countryCode: "CA" | "US";
  currency: "CAD" | "USD";
  /** The institution number every account carries; null where the country has none. */
  institutionNumber: string | null;
  accountTitles: { chequing: string; savings: string; creditCard: string; lineOfCredit: string };
  cities: readonly RegionCity[];
  /** Draws the rest of the postal code; its draws are part of the profile's draw order. */
  drawPostalCode(city: RegionCity, random: Random): string;
  /** The branch or routing number printed as TransitNumber; its draws are part of the profile's draw order. */
  drawTransitNumber(random: Random): string;
  firstNames: readonly string[];
  lastNames: readonly string[];
  businessNameSuffixes: readonly string[];
  emailDomains: readonly string[];
  /** Business logins' web domains end with the country's usual suffix (".ca", ".com"). */
  businessDomainSuffix: string;
  employers: readonly string[];
  propertyManagers: readonly string[];
  phoneProviders: readonly string[];
  internetProviders: readonly string[];
  homeInsurers: readonly string[];
  /** Debit purchases on the chequing account: everyday, mostly small. */
  debitCardSpending: readonly SpendingCategory[];
  /** The credit card carries the bigger and the online purchases. */
  creditCardSpending: readonly SpendingCategory[];
  wording: StatementWording;
}
