import type { ErrorCode } from "../errors/catalog.js";

/** A saved bank login ("card"): one per customer + institution + username + language. */
export interface Login {
  id: string;
  customerId: string;
  /** The card's identity (customer + institution + username + language, keyed hash): its CardVault key. */
  lookupHash: string;
  institution: string;
  language: "en" | "fr";
  usernameEnc: string;
  credentialsEnc: string | null;
  loginType: "Personal" | "Business";
  isScheduledRefresh: boolean;
  lastRefreshAt: Date | null;
  /** The outcome of the last live refresh when it failed; cached /Authorize replays it. */
  lastRefreshError: ErrorCode | null;
  snapshotId: string | null;
  /** The live session that holds the card, if it is still live (one at a time). */
  liveRequestId: string | null;
  /** AccountIds the end user chose in the Connect widget: every session of the card sees only these (null: all). */
  selectedAccountIds: string[] | null;
  createdAt: Date;
  /** Where the last refresh ended, and when it was tried (GetNightlyRefreshStatus). */
  refreshState: RefreshState | null;
  refreshAttemptedAt: Date | null;
  /** The night the nightly run last took this card ("YYYY-MM-DD", UTC). */
  nightlyNight: string | null;
  mfaAnswersEnc: string | null;
}

/**
 * The step a refresh ended at, in Flinks' words: `LastRefreshState` of /GetNightlyRefreshStatus
 * (https://docs.flinks.com/api/connect/endpoints/account-linking/get-nightly-refresh-status).
 */
export type RefreshState = "Completed" | "Authenticating" | "AnsweringSecurityChallenge" | "Aggregating";
