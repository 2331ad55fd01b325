import type { GenerateBankDataOptions } from "../../connectors/sandbox/generate-bank-data.js";

/** One phrase of an MFA round: a standard id (MFA1…) or the bank's own, with the answer it wants. */
export interface SimPhrase {
  phraseId: string;
  label?: string;
  /** The expected answer, compared loosely; undefined for client phrases (MFA101–107), which only must be present. */
  answer?: string;
}

/** How a simulator user's signon goes. */
export type SimLogin =
  | { kind: "ok" }
  /** MFA rounds, in order, each one MFACHALLENGERS (where the bank supports MFA). */
  | { kind: "mfa"; rounds: SimPhrase[][] }
  /** A signon status the bank answers every time (15502 locked, 15000 must change password…). */
  | { kind: "status"; code: number; message: string }
  /** 15510 until the CLIENTUID is approved: refused once, then approved (the person approved it). */
  | { kind: "approve-client" }
  /** An HTTP answer that is not OFX. */
  | { kind: "html-page" }
  | { kind: "http-error"; status: number }
  /** The answer comes after the simulator's slow delay on its clock, or never. */
  | { kind: "slow" }
  | { kind: "hang" };

export interface SimUser {
  login: SimLogin;
  data?: Pick<GenerateBankDataOptions, "accounts" | "transactionsPerAccount">;
  /** What changes a day after the user's first signon. */
  later?: "new-account" | "pending-posts";
}

const CITY: SimPhrase = { phraseId: "MFA1", answer: "Montreal" };
const USER_AGENT: SimPhrase = { phraseId: "MFA107" };

/**
 * The simulator's users, by username (lower case; `user+anything` is `user` with data of its
 * own). Password `Everyday` for all, case-insensitive. FlinksCapital's names mean what they mean
 * in the sandbox where OFX has the same thing.
 */
const USERS: Readonly<Record<string, SimUser>> = {
  greatday_nomfa: { login: { kind: "ok" } },
  greatday: { login: { kind: "mfa", rounds: [[CITY, USER_AGENT]] } },
  mfa_multiple: {
    login: {
      kind: "mfa",
      rounds: [
        [CITY, { phraseId: "MFA101" }, { phraseId: "123", label: "With which branch is your account associated?", answer: "Anytown" }],
      ],
    },
  },
  mfa_rounds_2: {
    login: { kind: "mfa", rounds: [[CITY], [{ phraseId: "MFA5", answer: "Blue" }, USER_AGENT]] },
  },
  approve_app: { login: { kind: "approve-client" } },
  test_disabled_account: { login: { kind: "status", code: 15502, message: "Too many failed signon attempts: call us." } },
  password_expired: { login: { kind: "status", code: 15000, message: "You must change your password." } },
  test_service_unavailable: { login: { kind: "status", code: 2000, message: "General error." } },
  account_in_use: { login: { kind: "status", code: 15501, message: "Another session is signed on." } },
  call_the_bank: { login: { kind: "status", code: 15511, message: "Please call your financial institution." } },
  html_error: { login: { kind: "html-page" } },
  server_error: { login: { kind: "http-error", status: 503 } },
  test_slow: { login: { kind: "slow" } },
  test_hanging: { login: { kind: "hang" } },
  large_login: { login: { kind: "ok" }, data: { accounts: 4, transactionsPerAccount: 4_000 } },
  pending_posts: { login: { kind: "ok" }, later: "pending-posts" },
  new_account_after_refresh: { login: { kind: "ok" }, later: "new-account" },
};

export const SIM_PASSWORD = "everyday";

/**
 * The user named by a USERID (`name+suffix` is `name`), or undefined for an unknown one.
 * `scripted` users (the plugin's `users` option, names in lower case) come first.
 */
export function simUserOf(userId: string, scripted: Readonly<Record<string, SimUser>> = {}): SimUser | undefined {
  const name = userId.trim().toLowerCase().split("+")[0] ?? "";
  return Object.hasOwn(scripted, name) ? scripted[name] : Object.hasOwn(USERS, name) ? USERS[name] : undefined;
}

/** The catalogue, for the documentation test. */
export const SIM_USER_NAMES: readonly string[] = Object.keys(USERS);
