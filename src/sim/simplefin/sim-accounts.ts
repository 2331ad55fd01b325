import { createHash } from "node:crypto";
import { generateBankData } from "../../connectors/sandbox/generate-bank-data.js";
import type { BankAccount, BankTransaction } from "../../connectors/types.js";
import type { SimUser } from "./sim-records.js";
import type { SimScenario } from "./sim-scenarios.js";

export interface SimConnection {
  id: string;
  name: string;
  orgId: string;
  orgName: string;
  orgDomain: string;
}

export interface SimTransaction {
  id: string;
  /** Epoch seconds it posted; 0 while pending (the protocol's convention). */
  posted: number;
  transactedAt: number;
  amountCents: number;
  description: string;
  pending: boolean;
}

export interface SimAccount {
  id: string;
  connection: SimConnection;
  name: string;
  balanceCents: number;
  availableCents: number;
  openedAt: number;
  /** Oldest first. */
  transactions: SimTransaction[];
}

const DAY_SECONDS = 86_400;
/** Enough history for a year asked in overlapping windows, plus a margin. */
const DAYS_OF_HISTORY = 400;
const BANKS = [
  { name: "Liberty Sandbox Bank", domain: "liberty-sandbox.example" },
  { name: "Prairie Sandbox Credit Union", domain: "prairie-sandbox.example" },
] as const;

/**
 * A simulated user's accounts as the server knows them at `now`: the sandbox banks' US data
 * generator (deterministic from the seed and the user's name), the first three accounts at one
 * connection and the rest at a second, every id derived from the seed and the user so ids are
 * stable across requests and days. Balances are signed as SimpleFIN signs them: what a card or
 * line of credit owes is negative.
 */
export function simulatedAccounts(seed: string, user: SimUser, scenario: SimScenario, now: Date): SimAccount[] {
  const idOf = (kind: string, key: string) => `${kind}-${digest(`${seed}|${user.name}|${key}`).slice(0, 20)}`;
  const connections = BANKS.map((bank, index) => ({
    id: idOf("CON", `connection ${index}`),
    name: bank.name,
    orgId: `ORG-${digest(bank.domain).slice(0, 12)}`,
    orgName: bank.name,
    orgDomain: bank.domain,
  }));
  const data = generateBankData(`${seed}|${user.name}`, now, {
    region: "US",
    daysOfHistory: DAYS_OF_HISTORY,
    accounts: scenario.accounts ?? 4,
    transactionsPerAccount: scenario.transactionsPerAccount,
  });
  const createdAt = Math.floor(Date.parse(user.createdAt) / 1000);
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const accounts = data.accounts.map((account, index) =>
    simAccount(account, connections[index < 3 ? 0 : 1] as SimConnection, idOf, nowSeconds - DAYS_OF_HISTORY * DAY_SECONDS),
  );
  if (scenario.pendingPosts) addChargeThatPosts(accounts, idOf("TRN", "pending charge"), createdAt, nowSeconds);
  if (scenario.accountOpensLater && nowSeconds >= createdAt + DAY_SECONDS) {
    accounts.push(openedLater(idOf, connections[0] as SimConnection, createdAt + DAY_SECONDS));
  }
  return accounts;
}

function simAccount(
  account: BankAccount,
  connection: SimConnection,
  idOf: (kind: string, key: string) => string,
  openedAt: number,
): SimAccount {
  const sign = account.category === "Credits" ? -1 : 1;
  return {
    id: idOf("ACT", account.key),
    connection,
    name: account.title,
    balanceCents: sign * cents(account.balance.current ?? 0),
    availableCents: cents(account.balance.available ?? 0),
    openedAt,
    transactions: [...account.transactions].reverse().map((t) => simTransaction(t, idOf)),
  };
}

/** Posted a minute apart from just after midnight UTC, in the order the day listed them. */
function simTransaction(t: BankTransaction, idOf: (kind: string, key: string) => string): SimTransaction {
  const indexInDay = Number(t.key.slice(t.key.lastIndexOf("-") + 1)) || 0;
  const posted = Date.parse(`${t.date}T00:00:00Z`) / 1000 + 60 * (indexInDay + 1);
  return {
    id: idOf("TRN", t.key),
    posted,
    transactedAt: posted,
    amountCents: cents(t.credit ?? 0) - cents(t.debit ?? 0),
    description: t.description,
    pending: false,
  };
}

/** A restaurant bill: 45.00 pending for two days, then posted as 54.05 (the tip), same id. */
function addChargeThatPosts(accounts: SimAccount[], id: string, createdAt: number, nowSeconds: number): void {
  const card = accounts.find((a) => a.name === "Visa Signature") ?? accounts[0];
  if (!card) return;
  // Dinner an hour before the user showed up; the card posts it two days after.
  const dinedAt = createdAt - 3600;
  const postsAt = createdAt + 2 * DAY_SECONDS;
  if (nowSeconds < postsAt) {
    card.transactions.push({ id, posted: 0, transactedAt: dinedAt, amountCents: -4500, description: "CORNER BISTRO", pending: true });
    return;
  }
  card.transactions.push({
    id,
    posted: postsAt,
    transactedAt: dinedAt,
    amountCents: -5405,
    description: "CORNER BISTRO",
    pending: false,
  });
  card.balanceCents -= 5405;
}

function openedLater(idOf: (kind: string, key: string) => string, connection: SimConnection, openedAt: number): SimAccount {
  return {
    id: idOf("ACT", "high yield savings"),
    connection,
    name: "High Yield Savings",
    balanceCents: 100_000,
    availableCents: 100_000,
    openedAt,
    transactions: [
      {
        id: idOf("TRN", "opening deposit"),
        posted: openedAt,
        transactedAt: openedAt,
        amountCents: 100_000,
        description: "OPENING DEPOSIT",
        pending: false,
      },
    ],
  };
}

function cents(dollars: number): number {
  return Math.round(dollars * 100);
}

function digest(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
