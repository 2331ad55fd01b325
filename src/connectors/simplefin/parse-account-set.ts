import type { Static } from "typebox";
import { compiledOnFirstUse } from "../../lib/compiled-on-first-use.js";
import { AccountSetSchema } from "./account-set-schema.js";
import { decimalToCents } from "./decimal-cents.js";

type RawAccountSet = Static<typeof AccountSetSchema>;
type RawAccount = NonNullable<RawAccountSet["accounts"]>[number];
type RawTransaction = NonNullable<RawAccount["transactions"]>[number];

const checkAccountSet = compiledOnFirstUse(AccountSetSchema);

export interface ParsedTransaction {
  id: string;
  pending: boolean;
  /** Epoch seconds the transaction posted; null while pending (the protocol's `posted: 0`). */
  postedAt: number | null;
  transactedAt: number | null;
  amountCents: number;
  description: string;
}

export interface ParsedAccount {
  /** Stable across refreshes: the account's connection (v2) or institution (v1), and its id. */
  key: string;
  id: string;
  name: string;
  currency: string;
  balanceCents: number;
  availableCents: number | null;
  transactions: ParsedTransaction[];
}

/**
 * What one answer says: its accounts, or a refusal that concerns the whole card — gen.auth
 * (the access itself is refused: a new setup token is needed) or con.auth (the server's own
 * sign-in at a bank failed: fixed at the SimpleFIN server). Other errlist entries (act.failed,
 * act.missingdata, gen.api notices such as a trimmed date range) and v1's free-text `errors`
 * leave the data usable and are not shown: they are free text from a third party.
 */
export type ParsedAccountSet =
  | { kind: "accounts"; accounts: ParsedAccount[] }
  | { kind: "refused"; reason: "access-revoked" | "connection-needs-attention" }
  | { kind: "malformed" };

/** Reads a `GET /accounts` body; anything that is not a valid v1 or v2 account set is "malformed". */
export function parseAccountSet(body: Buffer): ParsedAccountSet {
  let json: unknown;
  try {
    json = JSON.parse(body.toString("utf8"));
  } catch {
    return { kind: "malformed" };
  }
  if (!checkAccountSet(json)) return { kind: "malformed" };
  const set = json as RawAccountSet;
  const codes = (set.errlist ?? []).map((entry) => entry.code.trim().toLowerCase());
  // Unknown subcodes count as their bare prefix (the spec's rule): only the two auth codes stop the card.
  if (codes.includes("gen.auth")) return { kind: "refused", reason: "access-revoked" };
  if (codes.includes("con.auth")) return { kind: "refused", reason: "connection-needs-attention" };
  if (!set.accounts) return { kind: "malformed" };
  const accounts: ParsedAccount[] = [];
  for (const raw of set.accounts) {
    const account = parseAccount(raw);
    if (!account) return { kind: "malformed" };
    accounts.push(account);
  }
  return { kind: "accounts", accounts };
}

function parseAccount(raw: RawAccount): ParsedAccount | null {
  const balanceCents = decimalToCents(raw.balance);
  const available = raw["available-balance"];
  const availableCents = available === undefined || available === null ? null : decimalToCents(available);
  if (balanceCents === null || (available && availableCents === null)) return null;
  const transactions: ParsedTransaction[] = [];
  for (const rawTransaction of raw.transactions ?? []) {
    const transaction = parseTransaction(rawTransaction);
    if (!transaction) return null;
    transactions.push(transaction);
  }
  return {
    key: JSON.stringify([connectionKeyOf(raw), raw.id]),
    id: raw.id,
    name: cleanText(raw.name, 200) || raw.id,
    currency: raw.currency.trim().toUpperCase(),
    balanceCents,
    availableCents,
    transactions,
  };
}

/**
 * v2 names the account's connection (`conn_id`); v1 only its institution (`org`). Account ids
 * are unique within one of those, so the key carries it. The namespaces are kept apart.
 */
function connectionKeyOf(raw: RawAccount): string {
  if (raw.conn_id) return `conn:${raw.conn_id}`;
  const org = raw.org;
  return `org:${org?.id ?? org?.domain ?? org?.name ?? org?.["sfin-url"] ?? ""}`;
}

function parseTransaction(raw: RawTransaction): ParsedTransaction | null {
  const amountCents = decimalToCents(raw.amount);
  if (amountCents === null) return null;
  const pending = raw.pending === true || raw.posted === 0;
  return {
    id: raw.id,
    pending,
    postedAt: pending ? null : Math.floor(raw.posted),
    transactedAt: raw.transacted_at ? Math.floor(raw.transacted_at) : null,
    amountCents,
    description: cleanText(raw.description, 1024),
  };
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what cleanText removes
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]+/g;

/** Third-party text as a single clean line: control characters out, spaces folded, bounded. */
function cleanText(text: string, maxLength: number): string {
  return text.replace(CONTROL_CHARACTERS, " ").replace(/\s+/g, " ").trim().slice(0, maxLength);
}
