import type { BankAccount } from "../../types.js";
import { type AccountPlan, chequingSpec, creditCardSpec, lineOfCreditSpec, savingsSpec } from "./account-ledgers.js";
import type { CalendarMonth, DayWindow } from "./calendar.js";
import { toDollars } from "./cents.js";
import { createProfile, type Profile } from "./profile.js";
import { hashText, mix32 } from "./seeded-random.js";
import { type Ledger, walkLedger } from "./walk-ledger.js";

/**
 * Opens the login's accounts in a fixed rotation — chequing, savings, credit card, line of
 * credit, then a second chequing and so on — so the default four are exactly the accounts
 * the sandbox always had, and each full round of four is the same whatever the count asked
 * for. (A chequing account in a partial round has no card or credit line to pay, so its
 * lines differ from the same account's in a full round.)
 */

const ROTATION = ["chq", "sav", "cc", "loc"] as const;
type AccountKind = (typeof ROTATION)[number];

export interface AccountsRequest {
  profile: Profile;
  count: number;
  targetLinesPerDay?: number;
  months: readonly CalendarMonth[];
  window: DayWindow;
}

export function openAccounts({ profile, count, targetLinesPerDay, months, window }: AccountsRequest): BankAccount[] {
  const accounts: BankAccount[] = [];
  for (let first = 0; first < count; first += ROTATION.length) {
    const ordinal = first / ROTATION.length + 1;
    const kinds = ROTATION.slice(0, Math.min(ROTATION.length, count - first));
    accounts.push(
      ...openRound(kinds, ordinal, ordinal === 1 ? profile : extraProfile(profile, ordinal), targetLinesPerDay, months, window),
    );
  }
  return accounts;
}

/**
 * One round of the rotation. Its credit accounts' month-end payments leave from its own
 * chequing account, so those ledgers are walked first.
 */
function openRound(
  kinds: readonly AccountKind[],
  ordinal: number,
  profile: Profile,
  targetLinesPerDay: number | undefined,
  months: readonly CalendarMonth[],
  window: DayWindow,
): BankAccount[] {
  const plan = (kind: AccountKind): AccountPlan => ({ key: ordinal === 1 ? kind : `${kind}${ordinal}`, profile, targetLinesPerDay });
  const titles = profile.vocabulary.accountTitles;
  const titled = (title: string) => (ordinal === 1 ? title : `${title} ${ordinal}`);
  const identity = {
    currency: profile.vocabulary.currency,
    transitNumber: profile.transitNumber,
    institutionNumber: profile.vocabulary.institutionNumber,
  };
  const creditCard = kinds.includes("cc") ? walkLedger(creditCardSpec(plan("cc")), months, window) : undefined;
  const lineOfCredit = kinds.includes("loc") ? walkLedger(lineOfCreditSpec(plan("loc")), months, window) : undefined;
  const creditLedgers = [creditCard, lineOfCredit].filter((ledger) => ledger !== undefined);
  const chequing = walkLedger(chequingSpec(plan("chq"), creditLedgers), months, window);
  const accounts: BankAccount[] = [
    {
      ...identity,
      key: plan("chq").key,
      title: titled(titles.chequing),
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
  ];
  if (kinds.includes("sav")) {
    const savings = walkLedger(savingsSpec(plan("sav")), months, window);
    accounts.push({
      ...identity,
      key: plan("sav").key,
      title: titled(titles.savings),
      category: "Operations",
      type: "Savings",
      accountNumber: profile.savingsAccountNumber,
      overdraftLimit: null,
      balance: { current: toDollars(savings.closingCents), available: toDollars(savings.closingCents), limit: null },
      transactions: savings.transactions,
    });
  }
  if (creditCard) {
    accounts.push(
      creditAccount(
        plan("cc").key,
        titled(titles.creditCard),
        "CreditCard",
        profile.cardNumber,
        profile.creditCardLimitCents,
        creditCard,
        identity,
      ),
    );
  }
  if (lineOfCredit) {
    const { key } = plan("loc");
    const title = titled(titles.lineOfCredit);
    accounts.push(
      creditAccount(key, title, "LineOfCredit", profile.lineOfCreditAccountNumber, profile.lineOfCreditLimitCents, lineOfCredit, identity),
    );
  }
  return accounts;
}

/**
 * A later round's accounts get their own numbers, limits and habits from a profile of their
 * own, but stay at the holder's home and branch.
 */
function extraProfile(holderProfile: Profile, ordinal: number): Profile {
  const seedHash = mix32(holderProfile.seedHash, hashText(`round ${ordinal}`));
  return { ...createProfile(seedHash, holderProfile.vocabulary, holderProfile.city), transitNumber: holderProfile.transitNumber };
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
