import { createHash } from "node:crypto";
import type { AggregatedData, BankAccount, BankTransaction, Holder } from "../types.js";
import {
  BUSINESS_NAME_SUFFIXES,
  CANADIAN_CITIES,
  CREDIT_CARD_SPENDING,
  DEBIT_CARD_SPENDING,
  EMAIL_DOMAINS,
  EMPLOYERS,
  FIRST_NAMES,
  HOME_INSURERS,
  INTERNET_PROVIDERS,
  LAST_NAMES,
  PHONE_PROVIDERS,
  POSTAL_CODE_LETTERS,
  PROPERTY_MANAGERS,
  type SpendingCategory,
} from "./bank-descriptions.js";

/**
 * Sandbox bank data that behaves like a real institution across refreshes: a
 * transaction's key, date, description and amount depend only on (seed, account, day,
 * index in day), never on asOf, so a nightly refresh one day later sees yesterday's
 * history unchanged plus one new day.
 *
 * Balances stay independent of asOf too: the balance at the start of each calendar
 * month is a fixed function of (seed, account, month), and the month's last day carries
 * a settlement (transfer or card payment) that lands exactly on next month's opening.
 * All arithmetic is in integer cents.
 */

const MS_PER_DAY = 86_400_000;
const DEFAULT_DAYS_OF_HISTORY = 365;
const INSTITUTION_NUMBER = "777"; // the sandbox institution's number, as in flinks-api.md §6.2
const EPOCH_DAY_OF_A_FRIDAY = 1; // 1970-01-02
const SAVINGS_INTEREST_RATE_PER_YEAR = 0.0125;
const LINE_OF_CREDIT_RATE_PER_YEAR = 0.0845;
const CHEQUING_PURCHASES_PER_DAY = [0, 0, 0, 0, 1, 1, 1, 2] as const;
const CREDIT_CARD_PURCHASES_PER_DAY = [0, 0, 0, 1] as const;

export interface GenerateBankDataOptions {
  /** Days of history before asOf's UTC day (Flinks' Days90 / Days365). */
  daysOfHistory?: number;
  loginType?: "Personal" | "Business";
}

export function generateBankData(seed: string, asOf: Date, options: GenerateBankDataOptions = {}): AggregatedData {
  const window = dayWindow(asOf, options.daysOfHistory ?? DEFAULT_DAYS_OF_HISTORY);
  const loginType = options.loginType ?? "Personal";
  const profile = createProfile(createHash("sha256").update(seed).digest().readUInt32LE(0));
  const months = monthsCovering(window);
  // Card and credit-line payments leave from chequing, so those ledgers are walked first.
  const creditCard = walkLedger(creditCardSpec(profile), months, window);
  const lineOfCredit = walkLedger(lineOfCreditSpec(profile), months, window);
  const chequing = walkLedger(chequingSpec(profile, [creditCard, lineOfCredit]), months, window);
  const savings = walkLedger(savingsSpec(profile), months, window);
  const identity = {
    currency: "CAD",
    transitNumber: profile.transitNumber,
    institutionNumber: INSTITUTION_NUMBER,
  } as const;
  return {
    loginType,
    holder: createHolder(profile, loginType),
    accounts: [
      {
        ...identity,
        key: "chq",
        title: "Chequing Account",
        category: "Operations",
        type: "Chequing",
        accountNumber: profile.chequingAccountNumber,
        overdraftLimit: toDollars(profile.overdraftLimitCents),
        balance: {
          current: toDollars(chequing.closingCents),
          available: toDollars(chequing.closingCents + profile.overdraftLimitCents),
          limit: null,
        },
        transactions: chequing.transactions,
      },
      {
        ...identity,
        key: "sav",
        title: "Savings Account",
        category: "Operations",
        type: "Savings",
        accountNumber: profile.savingsAccountNumber,
        overdraftLimit: null,
        balance: { current: toDollars(savings.closingCents), available: toDollars(savings.closingCents), limit: null },
        transactions: savings.transactions,
      },
      creditAccount("cc", "Visa Infinite", "CreditCard", profile.cardNumber, profile.creditCardLimitCents, creditCard, identity),
      creditAccount(
        "loc",
        "Line of Credit",
        "LineOfCredit",
        profile.lineOfCreditAccountNumber,
        profile.lineOfCreditLimitCents,
        lineOfCredit,
        identity,
      ),
    ],
  };
}

function creditAccount(
  key: string,
  title: string,
  type: string,
  accountNumber: string,
  limitCents: number,
  ledger: Ledger,
  identity: Pick<BankAccount, "currency" | "transitNumber" | "institutionNumber">,
): BankAccount {
  return {
    ...identity,
    key,
    title,
    category: "Credits",
    type,
    accountNumber,
    overdraftLimit: null,
    balance: {
      current: toDollars(ledger.closingCents),
      available: toDollars(limitCents - ledger.closingCents),
      limit: toDollars(limitCents),
    },
    transactions: ledger.transactions,
  };
}

// ---------------------------------------------------------------- calendar

interface DayWindow {
  firstEpochDay: number;
  lastEpochDay: number;
}

function dayWindow(asOf: Date, daysOfHistory: number): DayWindow {
  const lastEpochDay = Math.floor(asOf.getTime() / MS_PER_DAY);
  if (!Number.isFinite(lastEpochDay)) throw new RangeError("asOf must be a valid Date");
  if (!Number.isInteger(daysOfHistory) || daysOfHistory < 0) throw new RangeError("daysOfHistory must be a non-negative integer");
  return { firstEpochDay: lastEpochDay - daysOfHistory, lastEpochDay };
}

interface CalendarMonth {
  /** year * 12 + zero-based month: a month's identity for the balance anchors. */
  index: number;
  firstEpochDay: number;
  lastEpochDay: number;
  datePrefix: string; // "YYYY-MM-"
}

/** Whole months, because every running balance starts from its month's anchor. */
function monthsCovering(window: DayWindow): CalendarMonth[] {
  const start = new Date(window.firstEpochDay * MS_PER_DAY);
  const months: CalendarMonth[] = [];
  for (let index = start.getUTCFullYear() * 12 + start.getUTCMonth(); ; index++) {
    const year = Math.floor(index / 12);
    const month = index % 12;
    const firstEpochDay = Date.UTC(year, month, 1) / MS_PER_DAY;
    if (firstEpochDay > window.lastEpochDay) return months;
    const lastEpochDay = Date.UTC(year, month + 1, 1) / MS_PER_DAY - 1;
    months.push({ index, firstEpochDay, lastEpochDay, datePrefix: `${year}-${pad2(month + 1)}-` });
  }
}

interface CalendarDay {
  epochDay: number;
  dayOfMonth: number;
  month: CalendarMonth;
}

// ---------------------------------------------------------------- ledgers

/** A movement before its balance is known: positive fills the credit column, negative the debit. */
interface Draft {
  description: string;
  amountCents: number;
}

interface LedgerSpec {
  /** The institution's stable account key; it also salts the account's randomness. */
  key: string;
  seedHash: number;
  /** Credits accounts show the amount owed, so a debit raises their balance (flinks-api.md §6.2). */
  balanceIsOwed: boolean;
  /** B(M): the balance before the first transaction of month M. */
  openingCents(monthIndex: number): number;
  draftsForDay(day: CalendarDay, random: Random, openingCents: number): Draft[];
  /** The month-end movement that lands the balance on next month's opening. */
  describeSettlement(amountCents: number): { description: string; chequingDescription?: string };
}

interface Ledger {
  transactions: BankTransaction[]; // newest first, as the institution lists them
  closingCents: number; // balance at the end of the window's last day
  /** Money this account's settlements moved through chequing, by month index. */
  chequingCounterpartByMonth: Map<number, Draft>;
}

function walkLedger(spec: LedgerSpec, months: readonly CalendarMonth[], window: DayWindow): Ledger {
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
      const drafts = spec.draftsForDay(day, new Random(mix32(accountSeed, epochDay)), openingCents);
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

// ---------------------------------------------------------------- the four accounts

function chequingSpec(profile: Profile, creditLedgers: readonly Ledger[]): LedgerSpec {
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

function savingsSpec(profile: Profile): LedgerSpec {
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

function creditCardSpec(profile: Profile): LedgerSpec {
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
function lineOfCreditSpec(profile: Profile): LedgerSpec {
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

// ---------------------------------------------------------------- statement lines

interface Bill {
  description: string;
  dayOfMonth: number; // ≤ 28 so every month has it
  /** Zero-based month for yearly bills; absent for monthly ones. */
  monthOfYear?: number;
  baseCents: number;
  /** Month-to-month variation as a fraction of baseCents (electricity moves, rent does not). */
  spread: number;
}

function pushBillsDue(drafts: Draft[], bills: readonly Bill[], day: CalendarDay, random: Random): void {
  for (const bill of bills) {
    if (bill.dayOfMonth !== day.dayOfMonth) continue;
    if (bill.monthOfYear !== undefined && bill.monthOfYear !== day.month.index % 12) continue;
    const amountCents = Math.round(bill.baseCents * (1 + bill.spread * (2 * random.fraction() - 1)));
    drafts.push({ description: bill.description, amountCents: -amountCents });
  }
}

function everydayChequingDraft(profile: Profile, random: Random): Draft {
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

function purchaseDraft(profile: Profile, categories: readonly SpendingCategory[], random: Random): Draft {
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
function toStatementText(text: string): string {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toUpperCase();
}

// ---------------------------------------------------------------- the customer

/** Everything about the customer that stays the same from one day to the next. */
type Profile = ReturnType<typeof createProfile>;

function createProfile(seedHash: number) {
  const random = new Random(mix32(seedHash, hashText("profile")));
  const city = random.pick(CANADIAN_CITIES);
  const housingCents = 500 * random.intBetween(220, 480);
  const housing = random.fraction() < 0.55 ? `RENT PAYMENT - ${random.pick(PROPERTY_MANAGERS)}` : "MORTGAGE PAYMENT";
  const lineOfCreditFloorCents = 500 * random.intBetween(200, 800);
  const lineOfCreditPaydownCents = 100 * random.intBetween(120, 300);
  const lineOfCreditPeakCents = lineOfCreditFloorCents + 23 * lineOfCreditPaydownCents;
  const chequingBills: Bill[] = [
    { description: housing, dayOfMonth: 1, baseCents: housingCents, spread: 0 },
    { description: random.pick(HOME_INSURERS), dayOfMonth: 5, baseCents: random.intBetween(2_500, 7_000), spread: 0 },
    {
      description: city.electricityUtility,
      dayOfMonth: random.intBetween(10, 16),
      baseCents: random.intBetween(6_000, 16_000),
      spread: 0.25,
    },
    {
      description: random.pick(PHONE_PROVIDERS),
      dayOfMonth: 18,
      baseCents: random.intBetween(4_500, 9_500),
      spread: 0.04,
    },
    {
      description: random.pick(INTERNET_PROVIDERS),
      dayOfMonth: 22,
      baseCents: random.intBetween(6_000, 11_000),
      spread: 0,
    },
  ];
  const creditCardBills: Bill[] = [
    {
      description: "NETFLIX.COM",
      dayOfMonth: random.intBetween(1, 28),
      baseCents: random.pick([799, 1_899, 2_399]),
      spread: 0,
    },
    { description: "SPOTIFY", dayOfMonth: random.intBetween(1, 28), baseCents: 1_199, spread: 0 },
    { description: "ANNUAL FEE", dayOfMonth: 3, monthOfYear: random.intBetween(0, 11), baseCents: 13_900, spread: 0 },
  ];
  return {
    seedHash,
    firstName: random.pick(FIRST_NAMES),
    lastName: random.pick(LAST_NAMES),
    businessNameSuffix: random.pick(BUSINESS_NAME_SUFFIXES),
    emailDomain: random.pick(EMAIL_DOMAINS),
    city,
    civicAddress: `${random.intBetween(10, 4999)} ${random.pick(city.streets)}`,
    postalCode: `${city.postalCodeLetter}${random.intBetween(1, 9)}${randomPostalLetter(random)} ${random.intBetween(0, 9)}${randomPostalLetter(random)}${random.intBetween(0, 9)}`,
    phoneNumber: `${city.areaCode}${random.intBetween(200, 999)}${String(random.intBetween(0, 9_999)).padStart(4, "0")}`,
    employer: random.pick(EMPLOYERS),
    payrollCents: random.intBetween(160_000, 320_000),
    /** 0 or 7: which alternate Friday is payday. */
    paydayOffsetDays: random.pick([0, 7]),
    chequingBills,
    creditCardBills,
    transitNumber: String(random.intBetween(10_000, 99_999)),
    chequingAccountNumber: String(random.intBetween(1_000_000, 9_999_999)),
    savingsAccountNumber: String(random.intBetween(1_000_000, 9_999_999)),
    lineOfCreditAccountNumber: String(random.intBetween(1_000_000, 9_999_999)),
    cardNumber: appendLuhnCheckDigit(
      `4${String(random.intBetween(0, 9_999_999)).padStart(7, "0")}${String(random.intBetween(0, 9_999_999)).padStart(7, "0")}`,
    ),
    overdraftLimitCents: random.pick([25_000, 50_000, 100_000]),
    creditCardLimitCents: random.pick([500_000, 1_000_000, 1_500_000]),
    // Room above the highest balance the credit line's cycle reaches, in $5,000 steps.
    lineOfCreditLimitCents: Math.ceil((lineOfCreditPeakCents * 1.4) / 500_000) * 500_000,
    housingCents,
    chequingCushionBaseCents: random.intBetween(150_000, 350_000),
    savingsOpeningBaseCents: random.intBetween(500_000, 3_500_000),
    creditCardOpeningBaseCents: random.intBetween(25_000, 70_000),
    lineOfCreditFloorCents,
    lineOfCreditPaydownCents,
    lineOfCreditCyclePhase: random.intBetween(0, 23),
  };
}

function createHolder(profile: Profile, loginType: "Personal" | "Business"): Holder {
  const address = {
    civicAddress: profile.civicAddress,
    city: profile.city.city,
    province: profile.city.province,
    postalCode: profile.postalCode,
    poBox: null,
    country: "CA",
  };
  if (loginType === "Business") {
    const name = `${profile.lastName} ${profile.businessNameSuffix}`;
    const webDomain = `${toEmailText(profile.lastName)}${toEmailText(profile.businessNameSuffix.split(" ")[0] ?? "")}.ca`;
    return { name, address, email: `info@${webDomain}`, phoneNumber: profile.phoneNumber };
  }
  return {
    name: `${profile.firstName} ${profile.lastName}`,
    address,
    email: `${toEmailText(profile.firstName)}.${toEmailText(profile.lastName)}@${profile.emailDomain}`,
    phoneNumber: profile.phoneNumber,
  };
}

function toEmailText(text: string): string {
  return toStatementText(text)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "");
}

function randomPostalLetter(random: Random): string {
  return POSTAL_CODE_LETTERS.charAt(random.intBetween(0, POSTAL_CODE_LETTERS.length - 1));
}

/** Card numbers pass the Luhn check, so clients that validate them accept sandbox cards. */
function appendLuhnCheckDigit(payload: string): string {
  let sum = 0;
  for (let positionFromRight = 0; positionFromRight < payload.length; positionFromRight++) {
    let digit = Number(payload.charAt(payload.length - 1 - positionFromRight));
    if (positionFromRight % 2 === 0) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return `${payload}${(10 - (sum % 10)) % 10}`;
}

// ---------------------------------------------------------------- seeded randomness

/** mulberry32: tiny and fast, which matters because every (account, day) gets its own stream. */
class Random {
  #state: number;

  constructor(seed32: number) {
    this.#state = seed32 | 0;
  }

  /** Uniform in [0, 1). */
  fraction(): number {
    this.#state = (this.#state + 0x6d2b79f5) | 0;
    let mixed = Math.imul(this.#state ^ (this.#state >>> 15), 1 | this.#state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  }

  /** Uniform integer in [min, max], both included. */
  intBetween(min: number, max: number): number {
    return min + Math.floor(this.fraction() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.fraction() * items.length)];
    if (item === undefined) throw new Error("pick needs a non-empty table");
    return item;
  }
}

/** Combines two 32-bit values into a well-spread one (murmur3's finaliser). */
function mix32(a: number, b: number): number {
  let hash = a ^ Math.imul(b, 0x9e3779b1);
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return (hash ^ (hash >>> 16)) >>> 0;
}

/** FNV-1a: turns names (account keys, merchants) into salts. */
function hashText(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193);
  return hash >>> 0;
}

function positiveModulo(value: number, divisor: number): number {
  return ((value % divisor) + divisor) % divisor;
}

function pad2(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}

function toDollars(cents: number): number {
  return cents / 100;
}
