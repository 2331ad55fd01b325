import type { OfxAccountRef } from "../../connectors/ofx/ofx-account.js";
import { generateBankData } from "../../connectors/sandbox/generate-bank-data.js";
import { withNewSavings, withRestaurantBill } from "../../connectors/sandbox/scenarios.js";
import type { AggregatedData, BankAccount } from "../../connectors/types.js";
import { LruCache } from "../../lib/lru-cache.js";
import type { SimUser } from "./sim-users.js";

export interface SimAccount {
  ref: OfxAccountRef;
  account: BankAccount;
  /** Credit accounts: OFX states what is owed as a negative balance. */
  credit: boolean;
}

const DAY_MS = 86_400_000;

/**
 * A user's accounts as the simulated bank holds them: the sandbox generator's US data (so the
 * same username has the same accounts and transactions on a given day), reshaped a day after
 * the user's first signon for the users whose bank changes (a pending bill posts, an account
 * opens). Generated data is cached per user, day and shape: a 365-day fetch asks many windows.
 */
export class SimBankData {
  readonly #cache = new LruCache<string, SimAccount[]>(32);

  accountsOf(userId: string, user: SimUser, now: Date, firstSeenMs: number): SimAccount[] {
    const seed = userId.trim().toLowerCase();
    const changed = user.later !== undefined && now.getTime() >= firstSeenMs + DAY_MS;
    const cacheKey = `${seed}\u0000${now.toISOString().slice(0, 10)}\u0000${changed}`;
    const cached = this.#cache.get(cacheKey);
    if (cached) return cached;
    let data: AggregatedData = generateBankData(seed, now, { region: "US", ...user.data });
    if (user.later === "pending-posts") data = withRestaurantBill(data, changed);
    if (user.later === "new-account" && changed) data = withNewSavings(data);
    const accounts = data.accounts.map(toSimAccount);
    this.#cache.set(cacheKey, accounts);
    return accounts;
  }
}

const BANK_TYPES: Readonly<Record<string, string>> = { Chequing: "CHECKING", Savings: "SAVINGS", LineOfCredit: "CREDITLINE" };

function toSimAccount(account: BankAccount): SimAccount {
  const credit = account.category === "Credits";
  if (account.type === "CreditCard") return { ref: { kind: "card", acctId: account.accountNumber }, account, credit };
  const ref: OfxAccountRef = {
    kind: "bank",
    bankId: account.transitNumber ?? "011000015",
    acctId: account.accountNumber,
    acctType: BANK_TYPES[account.type] ?? "CHECKING",
  };
  return { ref, account, credit };
}

/** The account an OFX request names, by its ACCTID (and type for bank accounts). */
export function findSimAccount(accounts: SimAccount[], ref: OfxAccountRef): SimAccount | undefined {
  return accounts.find(
    (a) =>
      a.ref.acctId === ref.acctId &&
      a.ref.kind === ref.kind &&
      (ref.kind === "card" || a.ref.kind === "card" || a.ref.acctType === ref.acctType),
  );
}
