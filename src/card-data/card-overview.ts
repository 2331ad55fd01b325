import { ApiError } from "../errors/api-error.js";
import type { CardSecrets } from "../logins/card-secrets.js";
import type { StoredMfaAnswers } from "../logins/stored-mfa-answers.js";
import type { Login } from "../records/login.js";
import type { LoginStore } from "../storage/login-store.js";
import type { SnapshotStore } from "../storage/snapshot-store.js";

/** Cards listed at most; the dashboard is a debugging view, not an export. */
const MAX_CARDS = 500;
/** Transactions returned per query at most (filters narrow them first). */
const MAX_TRANSACTIONS = 500;

export interface CardSummary {
  loginId: string;
  institution: string;
  /** The username with all but its first two characters hidden. */
  maskedUsername: string;
  createdAt: Date;
  lastRefreshAt: Date | null;
  lastRefreshError: string | null;
  refreshState: string | null;
  refreshAttemptedAt: Date | null;
  nightlyNight: string | null;
  scheduledRefresh: boolean;
  savedCredentials: boolean;
  liveRequestId: string | null;
}

export interface CardAccount {
  accountId: string;
  title: string;
  category: string;
  type: string;
  currency: string;
  /** Last digits only. */
  maskedNumber: string;
  balance: { available: number | null; current: number | null; limit: number | null };
  transactionCount: number;
}

export interface CardTransaction {
  transactionId: string;
  accountId: string;
  date: string;
  description: string;
  debit: number | null;
  credit: number | null;
  balance: number;
}

export interface TransactionFilter {
  search?: string;
  accountId?: string;
  /** YYYY-MM-DD, inclusive. */
  from?: string;
  to?: string;
}

export interface CardDetail extends CardSummary {
  /** The questions the bank asked (their answers never leave the vault). */
  storedQuestions: string[];
  accounts: CardAccount[];
}

/**
 * The dashboard's look at a customer's cards: what the card is, how its refreshes went and
 * what its latest snapshot holds. Reads only; never a password, an answer or a full
 * account number.
 */
export class CardOverview {
  constructor(
    private readonly deps: { logins: LoginStore; snapshots: SnapshotStore; secrets: CardSecrets; storedAnswers: StoredMfaAnswers },
  ) {}

  async list(customerId: string): Promise<CardSummary[]> {
    return (await this.deps.logins.listByCustomer(customerId, MAX_CARDS)).map((card) => this.#summary(card));
  }

  async detail(customerId: string, loginId: string): Promise<CardDetail> {
    const card = await this.#card(customerId, loginId);
    const snapshot = card.snapshotId ? await this.deps.snapshots.find(card.snapshotId) : undefined;
    return {
      ...this.#summary(card),
      storedQuestions: this.deps.storedAnswers.list(card).map((q) => q.question),
      accounts: (snapshot?.accounts ?? []).map((account) => ({
        accountId: account.id,
        title: account.title,
        category: account.category,
        type: account.type,
        currency: account.currency,
        maskedNumber: mask(account.accountNumber, 0, 4),
        balance: account.balance,
        transactionCount: account.transactions.length,
      })),
    };
  }

  /** The latest snapshot's transactions, newest first, narrowed by the filter; `total` counts every match. */
  async transactions(
    customerId: string,
    loginId: string,
    filter: TransactionFilter,
  ): Promise<{ total: number; transactions: CardTransaction[] }> {
    const card = await this.#card(customerId, loginId);
    const snapshot = card.snapshotId ? await this.deps.snapshots.find(card.snapshotId) : undefined;
    const search = filter.search?.trim().toLowerCase() ?? "";
    const matches: CardTransaction[] = [];
    for (const account of snapshot?.accounts ?? []) {
      if (filter.accountId && account.id !== filter.accountId) continue;
      for (const t of account.transactions) {
        if (filter.from && t.date < filter.from) continue;
        if (filter.to && t.date > filter.to) continue;
        if (search && !t.description.toLowerCase().includes(search)) continue;
        matches.push({
          transactionId: t.id,
          accountId: account.id,
          date: t.date,
          description: t.description,
          debit: t.debit,
          credit: t.credit,
          balance: t.balance,
        });
      }
    }
    matches.sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0));
    return { total: matches.length, transactions: matches.slice(0, MAX_TRANSACTIONS) };
  }

  async #card(customerId: string, loginId: string): Promise<Login> {
    const card = await this.deps.logins.find(customerId, loginId);
    if (!card) throw new ApiError("INVALID_LOGIN");
    return card;
  }

  #summary(card: Login): CardSummary {
    return {
      loginId: card.id,
      institution: card.institution,
      maskedUsername: mask(this.deps.secrets.username(card), 2, 0),
      createdAt: card.createdAt,
      lastRefreshAt: card.lastRefreshAt,
      lastRefreshError: card.lastRefreshError,
      refreshState: card.refreshState,
      refreshAttemptedAt: card.refreshAttemptedAt,
      nightlyNight: card.nightlyNight,
      scheduledRefresh: card.isScheduledRefresh,
      savedCredentials: card.credentialsEnc !== null,
      liveRequestId: card.liveRequestId,
    };
  }
}

/** Keeps `head` leading and `tail` trailing characters, the rest as "•" (at most 8 of them, so the length says little). */
function mask(value: string, head: number, tail: number): string {
  const chars = [...value];
  if (chars.length <= head + tail) return "•".repeat(Math.max(chars.length, 4));
  const hidden = Math.min(chars.length - head - tail, 8);
  return chars.slice(0, head).join("") + "•".repeat(hidden) + (tail ? chars.slice(-tail).join("") : "");
}
