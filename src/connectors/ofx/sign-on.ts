import type { ConnectorContext, ConnectorFailure } from "../types.js";
import { accountInfoMessages, type SignonFields, signonMessages } from "./build-requests.js";
import type { OfxElement } from "./codec/ofx-element.js";
import type { OfxInstitution } from "./institution-directory.js";
import type { OfxAccountInfo } from "./ofx-account.js";
import { exchangeOfx } from "./ofx-exchange.js";
import { randomUuid } from "./ofx-ids.js";
import { type MfaPhrase, readSignonReply, type SignonReply } from "./read-signon.js";
import { readAccountList } from "./read-statements.js";
import { signonOutcome } from "./signon-status.js";

export type SignonCredentials = Omit<SignonFields, "now" | "org" | "fid" | "appId" | "appVer">;

export type SignonResult =
  | { kind: "signed-on"; accessKey?: string; accounts: OfxAccountInfo[] }
  | { kind: "challenges"; phrases: MfaPhrase[] }
  | { kind: "approve-client" }
  | { kind: "auth-token-required" }
  | { kind: "failed"; code: ConnectorFailure };

/**
 * Signs on and lists the accounts in one request (a signon alone is refused by some servers,
 * 15506). A 3000 fetches the challenges with MFACHALLENGERQ (OFX 2.1.1 §2.5.6); a bank whose
 * profile says MFACHALLENGEFIRST is asked for them with the first signon instead.
 */
export async function signOnAndListAccounts(
  ctx: ConnectorContext,
  institution: OfxInstitution,
  credentials: SignonCredentials,
  challengesFirst: boolean,
): Promise<SignonResult> {
  const fields = () => signonFields(ctx, institution, credentials);
  if (challengesFirst && !credentials.accessKey && !credentials.mfaAnswers) {
    const first = await signOn(ctx, institution, [signonMessages(fields(), randomUuid(ctx.randomInt))]);
    if (first.kind === "failed") return first;
    if (first.reply.challenges) return { kind: "challenges", phrases: first.reply.challenges };
    const early = outcomeOf(first.reply);
    if (early) return early.kind === "mfa-required" ? fetchChallenges(ctx, institution, fields()) : early.result;
  }
  const listed = await signOn(ctx, institution, [signonMessages(fields()), accountInfoMessages(randomUuid(ctx.randomInt))]);
  if (listed.kind === "failed") return listed;
  const outcome = outcomeOf(listed.reply);
  if (outcome)
    return outcome.kind === "mfa-required" ? fetchChallenges(ctx, institution, { ...fields(), mfaAnswers: undefined }) : outcome.result;
  const list = readAccountList(listed.document);
  if (!list) return { kind: "failed", code: "INSTITUTION_PROTOCOL_ERROR" };
  if (list.code !== 0 && list.code !== 1) {
    const refused = signonOutcome(list.code);
    return { kind: "failed", code: refused.kind === "failed" ? refused.code : "AGGREGATION_ERROR" };
  }
  return { kind: "signed-on", accessKey: listed.reply.accessKey, accounts: list.accounts };
}

/** A SONRQ's fields: the login's credentials, the institution's identity, the time now. */
export function signonFields(ctx: ConnectorContext, institution: OfxInstitution, credentials: SignonCredentials): SignonFields {
  return {
    ...credentials,
    now: ctx.clock.now(),
    org: institution.org,
    fid: institution.fid,
    appId: institution.appId,
    appVer: institution.appVer,
  };
}

/**
 * Sends `messageSets` and reads the signon answer every OFX response starts with. Data
 * requests after the login use it too: each OFX request signs on again.
 */
export async function signOn(
  ctx: ConnectorContext,
  institution: OfxInstitution,
  messageSets: OfxElement[],
): Promise<{ kind: "answered"; reply: SignonReply; document: OfxElement } | { kind: "failed"; code: ConnectorFailure }> {
  const exchange = await exchangeOfx(ctx, institution, messageSets);
  if (exchange.kind === "failed") return exchange;
  const reply = readSignonReply(exchange.document.root);
  if (!reply) return { kind: "failed", code: "INSTITUTION_PROTOCOL_ERROR" };
  return { kind: "answered", reply, document: exchange.document.root };
}

async function fetchChallenges(ctx: ConnectorContext, institution: OfxInstitution, fields: SignonFields): Promise<SignonResult> {
  const asked = await signOn(ctx, institution, [signonMessages({ ...fields, mfaAnswers: undefined }, randomUuid(ctx.randomInt))]);
  if (asked.kind === "failed") return asked;
  if (asked.reply.challenges) return { kind: "challenges", phrases: asked.reply.challenges };
  const outcome = outcomeOf(asked.reply);
  // A bank that wants MFA but lists no challenge cannot be logged into.
  return outcome && outcome.kind !== "mfa-required" ? outcome.result : { kind: "failed", code: "INSTITUTION_PROTOCOL_ERROR" };
}

/** Undefined when the signon succeeded; otherwise what the login does next. */
function outcomeOf(reply: SignonReply): { kind: "mfa-required" } | { kind: "result"; result: SignonResult } | undefined {
  const outcome = signonOutcome(reply.code);
  switch (outcome.kind) {
    case "ok":
      return undefined;
    case "mfa-required":
      return { kind: "mfa-required" };
    case "approve-client":
    case "auth-token-required":
      return { kind: "result", result: { kind: outcome.kind } };
    case "failed":
      return { kind: "result", result: { kind: "failed", code: outcome.code } };
  }
}
