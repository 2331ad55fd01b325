import type { Clock } from "../lib/clock.js";
import type { HttpClient } from "./http/http-client.js";

/** JSON-only values: connector state must survive a restart or another process. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * Flinks' MFA types, plus `TextOnly`: a message the person acts on outside the app (approve
 * this app at your bank) and confirms by answering anything.
 */
export type ChallengeType =
  | "QuestionAndAnswer"
  | "MultipleChoice"
  | "MultipleChoiceMultipleAnswers"
  | "ImageSelection"
  | "TextOrCall"
  | "TextOnly";

export interface Challenge {
  type: ChallengeType;
  prompt: string;
  /** Choices for choice-like types (phone numbers for TextOrCall, base64 images…). */
  iterables?: string[];
}

/** Expected bank answers: reported as `failed`, never thrown (the connector contract, docs/architecture.md). */
export type ConnectorFailure =
  | "INVALID_USERNAME"
  | "INVALID_PASSWORD"
  | "INVALID_LOGIN"
  | "INVALID_SECURITY_RESPONSE"
  | "RETRY_LATER"
  | "DISABLED_LOGIN"
  | "NEW_ACCOUNT"
  | "UNAUTHORIZED"
  | "AGGREGATION_ERROR"
  // SimpleFIN (src/connectors/simplefin/)
  | "SETUP_TOKEN_INVALID"
  | "SETUP_TOKEN_ALREADY_USED"
  | "INSTITUTION_URL_REFUSED"
  | "RECONNECT_REQUIRED"
  | "CONNECTION_NEEDS_ATTENTION"
  | "PAYMENT_REQUIRED"
  | "DAILY_REQUEST_LIMIT"
  | "DISABLED_INSTITUTION"
  // OFX (src/connectors/ofx/): status 15000, and answers that are not valid OFX.
  | "PASSWORD_CHANGE_REQUIRED"
  | "INSTITUTION_PROTOCOL_ERROR";

export type StepResult =
  | { kind: "authorized"; connectorState: Json }
  | { kind: "challenged"; challenges: Challenge[]; connectorState: Json }
  | { kind: "failed"; code: ConnectorFailure };

export interface Credentials {
  username: string;
  password: string;
  language: "en" | "fr";
}

/** Answers keyed by the exact prompt (or chosen iterable) of a pending challenge. */
export type SecurityAnswers = Record<string, string[]>;

/**
 * Everything a connector may touch: it does no I/O of its own, so a test can script every
 * byte it sends and receives, and a step can continue in another process.
 */
export interface ConnectorContext {
  clock: Clock;
  /** Uniform random integer in [0, max): injected so tests can pin a challenge. */
  randomInt(max: number): number;
  /** The institution's own records of this customer's users, kept between sessions. */
  memory: InstitutionMemory;
  /** The only way out to the network: every URL is checked against the deployment's address policy. */
  http: HttpClient;
  /** Secrets the institution gave this card, kept encrypted across sessions and deleted with the card. */
  vault: CardVault;
  /**
   * A person is there to answer a challenge (a live session), or not (the nightly refresh): a
   * connector may check more eagerly when someone can fix what it finds.
   */
  attended: boolean;
}

/**
 * Secrets an institution hands out once and never again (a SimpleFIN access URL, an OFX
 * ACCESSKEY and CLIENTUID), for the card being logged in — also before that card exists, so
 * that a connector can keep what it was given before it answers: a crash after a one-time
 * claim then loses nothing. Encrypted at rest; DeleteCard removes it.
 */
export interface CardVault {
  read(): Promise<Json | null>;
  write(value: Json): Promise<void>;
}

/**
 * What a bank remembers of a user from one login to the next: a trusted device, failed
 * attempts, a changed password. Real connectors keep it at the bank; the sandbox banks keep it
 * here, in the store, so every process of a deployment sees the same bank.
 */
export interface InstitutionMemory {
  read(key: string): Promise<Json | null>;
  write(key: string, value: Json): Promise<void>;
}

export type AccountCategory = "Operations" | "Credits" | "Products" | "Other";

export interface BankTransaction {
  /** The institution's own stable key for this transaction (never shown on the wire). */
  key: string;
  date: string; // YYYY-MM-DD
  description: string;
  debit: number | null;
  credit: number | null;
  /** Running balance after this transaction. */
  balance: number;
}

export interface Holder {
  name: string;
  address: {
    civicAddress: string;
    city: string;
    province: string;
    postalCode: string;
    poBox: string | null;
    country: string;
  };
  email: string;
  phoneNumber: string;
}

export interface BankAccount {
  /** The institution's own stable key for this account (AccountIds are derived from it). */
  key: string;
  title: string;
  category: AccountCategory;
  type: string;
  currency: "CAD" | "USD";
  transitNumber: string | null;
  institutionNumber: string | null;
  accountNumber: string;
  overdraftLimit: number | null;
  balance: { available: number | null; current: number | null; limit: number | null };
  /** Transactions, newest first, as the institution lists them. */
  transactions: BankTransaction[];
  /** Statement periods the institution closed, newest first, where it tells them (OFX STMTENDRS); absent when it does not. */
  closings?: AccountClosing[];
}

/** One closed statement period as the institution states it. */
export interface AccountClosing {
  /** First and last day of the period, YYYY-MM-DD. */
  periodStart: string;
  periodEnd: string;
  openingBalance: number | null;
  closingBalance: number;
}

export interface AggregatedData {
  loginType: "Personal" | "Business";
  holder: Holder;
  accounts: BankAccount[];
}

export type Capability = "mfa" | "statements";

/**
 * What a data fetch found: the card's data, an expected failure (access revoked), or nothing
 * new because the institution may not be asked again yet (a daily request budget): then the
 * card's last snapshot keeps serving.
 */
export type FetchResult =
  | { kind: "data"; data: AggregatedData; basis?: string; increment?: DataIncrement }
  | { kind: "failed"; code: ConnectorFailure }
  | { kind: "unchanged" };

/**
 * What the card's current data came from, handed to fetchData so a connector may fetch only
 * what is new (an incremental refresh): `basis` is what that fetch returned as its basis (what
 * the data depends on besides the day, e.g. the generator's version and options); `day` the
 * UTC day (YYYY-MM-DD) from which the next fetch would have to list everything again.
 */
export interface PreviousFetch {
  basis: string;
  day: string;
}

/**
 * A data result that lists only part of the transactions: every transaction dated on or after
 * `since` is listed; those dated from `keepFrom` up to `since` are exactly the previous data's
 * (the caller carries them over), and older ones are gone. Returned only with a PreviousFetch
 * whose basis the connector recognised; every account must be one the previous data had.
 */
export interface DataIncrement {
  since: string;
  keepFrom: string;
}

/** How the login form names the two credentials (a SimpleFIN setup token is the password). */
export interface LoginForm {
  usernameLabel?: { en: string; fr: string };
  passwordLabel?: { en: string; fr: string };
  /** Where a person gets the credential (SimpleFIN: the page that makes setup tokens). */
  helpUrl?: string;
  /**
   * "derived": the Connect widget asks for the password alone and derives the username from it
   * (a SimpleFIN setup token's label, `setupTokenLabel`), so the same token lands on the same card.
   */
  username?: "derived";
}

export interface InstitutionConnector {
  id: string;
  name: string;
  /** Flinks' numeric institution id (FlinksCapital = 14). */
  institutionId: number;
  capabilities: ReadonlySet<Capability>;
  /** A small SVG logo for institution lists (the Connect widget's selector). */
  logoSvg?: string;
  /**
   * A test institution (FlinksCapital): the Connect widget lists it only with `demo=true`
   * (https://docs.flinks.com/docs/parameters).
   */
  sandbox?: boolean;
  start(credentials: Credentials, ctx: ConnectorContext): Promise<StepResult>;
  answer(answers: SecurityAnswers, connectorState: Json, ctx: ConnectorContext): Promise<StepResult>;
  /** `previous`: present when the card has data from an earlier fetch that returned a basis. */
  fetchData(connectorState: Json, ctx: ConnectorContext, previous?: PreviousFetch): Promise<FetchResult>;
  /** Labels for the Connect widget's login form where the defaults (username, password) do not fit. */
  loginForm?: LoginForm;
  /** Seconds before the institution starts aggregating after a login (sandbox `test_pending`); 0 when absent. */
  aggregationDelaySeconds?(connectorState: Json): number;
}
