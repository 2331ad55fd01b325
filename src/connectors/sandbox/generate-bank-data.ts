import { createHash } from "node:crypto";
import type { AggregatedData, BankAccount } from "../types.js";
import { chequingSpec, creditCardSpec, lineOfCreditSpec, savingsSpec } from "./bank-data/account-ledgers.js";
import { dayWindow, monthsCovering } from "./bank-data/calendar.js";
import { toDollars } from "./bank-data/cents.js";
import { createHolder } from "./bank-data/holder.js";
import { createProfile } from "./bank-data/profile.js";
import { type Ledger, walkLedger } from "./bank-data/walk-ledger.js";

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

const DEFAULT_DAYS_OF_HISTORY = 365;
const INSTITUTION_NUMBER = "777"; // the sandbox institution's number, as in flinks-api.md §6.2

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

/** Credits accounts show what is owed, so what remains available is the rest of the limit. */
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
