import type { Challenge, ConnectorContext, Credentials, SecurityAnswers, StepResult } from "../types.js";
import { type OfxCardSecrets, readCardSecrets, updateCardSecrets } from "./card-vault-slot.js";
import { hasSignonExtensions } from "./codec/ofx-versions.js";
import { fetchProfile } from "./fetch-profile.js";
import type { OfxInstitution } from "./institution-directory.js";
import { type ExtraCredential, type OfxLoginState, type PendingStep, toJson } from "./login-state.js";
import { approvalPrompt, clientAnswer, isClientPhrase, promptOfPhrase } from "./mfa-prompts.js";
import { DEFAULT_USER_AGENT } from "./ofx-exchange.js";
import type { MfaPhrase } from "./read-signon.js";
import { type SignonCredentials, signOnAndListAccounts } from "./sign-on.js";

/** First step: profile, CLIENTUID, then the bank's extra fields or the signon itself. */
export async function startLogin(institution: OfxInstitution, credentials: Credentials, ctx: ConnectorContext): Promise<StepResult> {
  const read = await fetchProfile(ctx, institution);
  if (read.kind === "failed") return read;
  const secrets = await readCardSecrets(ctx);
  const state: OfxLoginState = {
    v: 1,
    userId: credentials.username.trim(),
    password: credentials.password,
    language: credentials.language,
    clientUid: secrets.clientUid,
    profile: read.profile,
    pending: null,
    authToken: null,
    mfaAnswers: null,
  };
  const missing: Array<{ field: ExtraCredential; prompt: string }> = [];
  if (read.profile.userCred1Label && !secrets.userCred1) missing.push({ field: "userCred1", prompt: read.profile.userCred1Label });
  if (read.profile.userCred2Label && !secrets.userCred2) missing.push({ field: "userCred2", prompt: read.profile.userCred2Label });
  // An ACCESSKEY vouches for this card: the one-time token is for the first login only.
  if (read.profile.authTokenFirst && !secrets.accessKey) missing.push({ field: "authToken", prompt: authTokenPrompt(state) });
  if (missing.length > 0) return challenged(state, { kind: "credentials", fields: missing });
  return signOnStep(institution, state, secrets, ctx, state.mfaAnswers);
}

/** Later steps: the pending question's answers go where the bank wants them, then the signon is tried again. */
export async function answerLogin(
  institution: OfxInstitution,
  answers: SecurityAnswers,
  state: OfxLoginState,
  ctx: ConnectorContext,
): Promise<StepResult> {
  const pending = state.pending;
  if (!pending) return { kind: "failed", code: "INVALID_SECURITY_RESPONSE" };
  let secrets = await readCardSecrets(ctx);
  if (pending.kind === "approval") return signOnStep(institution, state, secrets, ctx, null);
  if (pending.kind === "credentials") {
    const values = pending.fields.map((f) => ({ ...f, value: answerTo(answers, f.prompt) }));
    if (values.some((v) => v.value === undefined)) return { kind: "failed", code: "INVALID_SECURITY_RESPONSE" };
    const given = (field: ExtraCredential) => values.find((v) => v.field === field)?.value;
    const [userCred1, userCred2] = [given("userCred1"), given("userCred2")];
    const before = secrets;
    // Kept at once: an MFA round may come between this answer and the signon that passes.
    secrets = await updateCardSecrets(ctx, secrets, { ...(userCred1 && { userCred1 }), ...(userCred2 && { userCred2 }) });
    const result = await signOnStep(institution, { ...state, authToken: given("authToken") ?? state.authToken }, secrets, ctx, null);
    // Refused: forget them, or every later login would send the wrong ones without asking again.
    if (result.kind === "failed") await updateCardSecrets(ctx, secrets, { userCred1: before.userCred1, userCred2: before.userCred2 });
    return result;
  }
  const mfaAnswers = answersOf(pending.phrases, answers, ctx.clock.now());
  if (!mfaAnswers) return { kind: "failed", code: "INVALID_SECURITY_RESPONSE" };
  return signOnStep(institution, state, secrets, ctx, mfaAnswers);
}

/** Every phrase's answer, the client's own included; undefined when the person left one out. */
function answersOf(
  phrases: Array<{ phraseId: string; prompt: string | null }>,
  answers: SecurityAnswers,
  now: Date,
): Array<{ phraseId: string; answer: string }> | undefined {
  const facts = { now, userAgent: DEFAULT_USER_AGENT };
  const given = phrases.map((p) => ({
    phraseId: p.phraseId,
    answer: p.prompt === null ? clientAnswer(p.phraseId, facts) : answerTo(answers, p.prompt),
  }));
  return given.every((a) => a.answer !== undefined) ? (given as Array<{ phraseId: string; answer: string }>) : undefined;
}

/** The signon credentials a state and the card's secrets make. */
export function signonCredentials(
  institution: OfxInstitution,
  state: OfxLoginState,
  secrets: OfxCardSecrets,
  mfaAnswers: OfxLoginState["mfaAnswers"],
): SignonCredentials {
  // CLIENTUID exists from OFX 1.0.3 and 2.0.3 on; an older server may refuse an element it does not know.
  const sendsClientUid = state.profile.clientUidRequired || hasSignonExtensions(institution.ofxVersion);
  return {
    userId: state.userId,
    password: state.password,
    clientUid: sendsClientUid ? state.clientUid : undefined,
    userCred1: state.profile.userCred1Label ? secrets.userCred1 : undefined,
    userCred2: state.profile.userCred2Label ? secrets.userCred2 : undefined,
    authToken: state.authToken ?? undefined,
    accessKey: secrets.accessKey,
    mfaAnswers: mfaAnswers ?? undefined,
  };
}

async function signOnStep(
  institution: OfxInstitution,
  state: OfxLoginState,
  secrets: OfxCardSecrets,
  ctx: ConnectorContext,
  mfaAnswers: OfxLoginState["mfaAnswers"],
  answeredAlone = false,
): Promise<StepResult> {
  const challengesFirst = state.profile.mfaSupported && state.profile.mfaFirst;
  const result = await signOnAndListAccounts(ctx, institution, signonCredentials(institution, state, secrets, mfaAnswers), challengesFirst);
  switch (result.kind) {
    case "signed-on": {
      if (result.accessKey) await updateCardSecrets(ctx, secrets, { accessKey: result.accessKey });
      const kept = result.accessKey || secrets.accessKey ? null : (mfaAnswers ?? state.mfaAnswers);
      return { kind: "authorized", connectorState: toJson({ ...state, pending: null, authToken: null, mfaAnswers: kept }) };
    }
    case "challenges": {
      const phrases = phrasesOf(result.phrases, state.language);
      if (phrases.some((p) => p.prompt !== null)) return challenged({ ...state, authToken: null }, { kind: "mfa", phrases });
      // Only machine facts asked (MFA101–107): answered without bothering the person, once.
      if (answeredAlone) return { kind: "failed", code: "INSTITUTION_PROTOCOL_ERROR" };
      return signOnStep(institution, state, secrets, ctx, answersOf(phrases, {}, ctx.clock.now()) ?? null, true);
    }
    case "approve-client":
      return challenged(state, { kind: "approval", prompt: approvalPrompt(state.language) });
    case "auth-token-required":
      return challenged(state, { kind: "credentials", fields: [{ field: "authToken", prompt: authTokenPrompt(state) }] });
    case "failed":
      return result;
  }
}

function phrasesOf(phrases: MfaPhrase[], language: "en" | "fr"): Array<{ phraseId: string; prompt: string | null }> {
  const seen = new Set<string>();
  return phrases.map(({ phraseId, label }) => {
    if (isClientPhrase(phraseId)) return { phraseId, prompt: null };
    // Two phrases with one wording would share an answer key: number the second.
    let prompt = promptOfPhrase(phraseId, label, language);
    for (let n = 2; seen.has(prompt) && n < 100; n++) prompt = `${promptOfPhrase(phraseId, label, language)} (${n})`;
    seen.add(prompt);
    return { phraseId, prompt };
  });
}

function challenged(state: OfxLoginState, pending: PendingStep): StepResult {
  const challenges: Challenge[] =
    pending.kind === "approval"
      ? [{ type: "TextOnly", prompt: pending.prompt }]
      : pending.kind === "credentials"
        ? pending.fields.map((f) => ({ type: "QuestionAndAnswer", prompt: f.prompt }))
        : pending.phrases.flatMap((p) => (p.prompt === null ? [] : [{ type: "QuestionAndAnswer" as const, prompt: p.prompt }]));
  return { kind: "challenged", challenges, connectorState: toJson({ ...state, pending }) };
}

function authTokenPrompt(state: OfxLoginState): string {
  return (
    state.profile.authTokenLabel ??
    (state.language === "fr" ? "Jeton d'authentification de votre banque" : "Authentication token from your bank")
  );
}

/** The first answer given to `prompt`, trimmed; undefined when there is none. */
function answerTo(answers: SecurityAnswers, prompt: string): string | undefined {
  const value = answers[prompt]?.[0]?.trim();
  return value ? value : undefined;
}
