import type { AggregatedData, BankAccount, ConnectorContext, ConnectorFailure, FetchResult } from "../types.js";
import { closingMessages, signonMessages, statementMessages } from "./build-requests.js";
import { readCardSecrets, updateCardSecrets } from "./card-vault-slot.js";
import type { OfxInstitution } from "./institution-directory.js";
import type { OfxLoginState } from "./login-state.js";
import { signonCredentials } from "./login-steps.js";
import type { OfxAccountInfo } from "./ofx-account.js";
import { randomUuid } from "./ofx-ids.js";
import { type ClosingReply, type OfxTransaction, readClosings, readStatement } from "./read-statements.js";
import { type SignonCredentials, signOn, signOnAndListAccounts, signonFields } from "./sign-on.js";
import { signonOutcome, statementOutcome } from "./signon-status.js";
import { statementWindows } from "./statement-windows.js";
import { type StatementTotals, toBankAccount } from "./to-bank-account.js";

type AccountFetch = { kind: "account"; account: BankAccount | undefined } | { kind: "failed"; code: ConnectorFailure };

/**
 * The card's data: a signon with the account list, then each account's statement in date
 * windows (bank STMTRQ, card CCSTMTRQ) and, where the profile offers it, its closing
 * information. A bank that asks for MFA again here (its ACCESSKEY lapsed between the steps)
 * gets RETRY_LATER: the next login answers it.
 */
export async function fetchAccountData(institution: OfxInstitution, state: OfxLoginState, ctx: ConnectorContext): Promise<FetchResult> {
  const secrets = await readCardSecrets(ctx);
  const credentials = signonCredentials(institution, state, secrets, state.mfaAnswers);
  const listed = await signOnAndListAccounts(ctx, institution, credentials, false);
  if (listed.kind === "failed") return listed;
  if (listed.kind !== "signed-on") return { kind: "failed", code: "RETRY_LATER" };
  if (listed.accessKey) await updateCardSecrets(ctx, secrets, { accessKey: listed.accessKey });
  const signon = { ...credentials, accessKey: listed.accessKey ?? credentials.accessKey };
  const accounts: BankAccount[] = [];
  for (const info of listed.accounts.slice(0, 50)) {
    const fetched = await fetchAccount(ctx, institution, state, signon, info);
    if (fetched.kind === "failed") return fetched;
    if (fetched.account) accounts.push(fetched.account);
  }
  return { kind: "data", data: aggregated(institution, accounts) };
}

async function fetchAccount(
  ctx: ConnectorContext,
  institution: OfxInstitution,
  state: OfxLoginState,
  credentials: SignonCredentials,
  info: OfxAccountInfo,
): Promise<AccountFetch> {
  const windows = statementWindows(ctx.clock.now(), institution.historyDays, institution.windowDays);
  const byFitId = new Map<string, OfxTransaction>();
  let totals: StatementTotals = {};
  for (const window of windows) {
    const answer = await signOn(ctx, institution, [
      signonMessages(signonFields(ctx, institution, credentials)),
      statementMessages(info.ref, window, randomUuid(ctx.randomInt)),
    ]);
    if (answer.kind === "failed") return answer;
    const refused = signonOutcome(answer.reply.code);
    if (refused.kind !== "ok") return { kind: "failed", code: refused.kind === "failed" ? refused.code : "RETRY_LATER" };
    const statement = readStatement(answer.document);
    if (!statement) return { kind: "failed", code: "INSTITUTION_PROTOCOL_ERROR" };
    const outcome = statementOutcome(statement.code);
    if (outcome.kind === "skip-account") return { kind: "account", account: undefined };
    if (outcome.kind === "failed") return outcome;
    if (outcome.kind === "empty-window") continue;
    // A later window's copy wins: a pending line that posted since keeps its FITID and takes the new amount.
    for (const transaction of statement.transactions) byFitId.set(transaction.fitId, transaction);
    if (statement.ledgerCents !== undefined) totals = statement;
  }
  const closings = await fetchClosings(ctx, institution, state, credentials, info, windows);
  return { kind: "account", account: toBankAccount(institution.fid, info, totals, byFitId.values(), closings) };
}

/** Closing information is a bonus: a bank that fails to give it leaves the account without it. */
async function fetchClosings(
  ctx: ConnectorContext,
  institution: OfxInstitution,
  state: OfxLoginState,
  credentials: SignonCredentials,
  info: OfxAccountInfo,
  windows: Array<{ start: Date; end: Date }>,
): Promise<ClosingReply["closings"]> {
  const offered = info.ref.kind === "card" ? state.profile.cardClosing : state.profile.bankClosing;
  const first = windows[0];
  const last = windows[windows.length - 1];
  if (!offered || !first || !last) return [];
  const range = { start: first.start, end: last.end };
  const answer = await signOn(ctx, institution, [
    signonMessages(signonFields(ctx, institution, credentials)),
    closingMessages(info.ref, range, randomUuid(ctx.randomInt)),
  ]);
  if (answer.kind === "failed" || answer.reply.code !== 0) return [];
  const reply = readClosings(answer.document);
  return reply && reply.code === 0 ? reply.closings : [];
}

/**
 * OFX carries no holder record: the holder is a placeholder in the directory's country, with no
 * name, address or contact. Not the login's user id: that is half of a credential, which
 * bankgate keeps only encrypted, and a caller reading Holder.Name would take it for a person's
 * name. An empty name tells a caller that checks for one that there is none.
 */
function aggregated(institution: OfxInstitution, accounts: BankAccount[]): AggregatedData {
  return {
    loginType: "Personal",
    holder: {
      name: "",
      address: { civicAddress: "", city: "", province: "", postalCode: "", poBox: null, country: institution.country },
      email: "",
      phoneNumber: "",
    },
    accounts,
  };
}
