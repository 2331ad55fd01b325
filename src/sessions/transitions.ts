import { normalizePromptKey } from "../connectors/prompt-key.js";
import type { Challenge, ConnectorFailure, StepResult } from "../connectors/types.js";
import type { ErrorCode } from "../errors/catalog.js";
import type { Session } from "../records/session.js";

/**
 * The authorize flow as pure functions of (session, event, now): no I/O, table-tested in
 * test/unit/transitions.test.ts. docs/session-states.md draws the same machine.
 */

export interface Timing {
  idleTtlSeconds: number;
  leaseSeconds: number;
}

/** A RequestId dies at `expiresAt` exactly: the boundary second is already expired. */
export function isExpired(session: Session, now: Date): boolean {
  return now.getTime() >= session.expiresAt.getTime();
}

/** Activity slides the idle expiry forward, never past the absolute cap set at creation. */
export function touched(session: Session, now: Date, timing: Timing): Session {
  const idleExpiry = now.getTime() + timing.idleTtlSeconds * 1000;
  return {
    ...session,
    lastActivityAt: now,
    expiresAt: new Date(Math.min(idleExpiry, session.absoluteExpiresAt.getTime())),
  };
}

/**
 * A session still on its way to authorization: it holds its card against other live
 * sessions. A login whose holder died mid-call (connecting, lease lapsed) has nothing to
 * resume and holds nothing; an interrupted answer will be recovered to its challenge.
 */
export function isLiveStep(session: Session, now: Date): boolean {
  if (isExpired(session, now)) return false;
  if (session.state === "connecting") return isBusy(session, now);
  return session.state === "challenged" || session.state === "answering";
}

/** True while a step holds the session (its lease has not lapsed). */
export function isBusy(session: Session, now: Date): boolean {
  const inFlight = session.state === "connecting" || session.state === "answering";
  return inFlight && session.leaseUntil !== null && session.leaseUntil.getTime() > now.getTime();
}

/**
 * A session whose step-holder died (process killed mid-call): an interrupted answer goes
 * back to its challenge so the user can answer again; an interrupted login has nothing to
 * resume and ends with RETRY_LATER.
 */
export function recoveredFromLapsedLease(session: Session): Session {
  if (session.state === "answering") return { ...session, state: "challenged", leaseUntil: null };
  if (session.state === "connecting") return failed(session, "RETRY_LATER");
  return session;
}

/**
 * Takes the session for one answer: the compare-and-swap on this write lets exactly one through.
 * `holder` is the lease-holder id of the process taking it.
 */
export function claimedForAnswer(session: Session, now: Date, timing: Timing, holder: string): Session {
  return {
    ...touched(session, now, timing),
    state: "answering",
    errorCode: null,
    leaseUntil: new Date(now.getTime() + timing.leaseSeconds * 1000),
    leaseHolder: holder,
  };
}

export type StepTransition =
  | { kind: "challenged"; next: Session }
  | { kind: "authorized" }
  | { kind: "failed"; next: Session; code: ErrorCode };

/**
 * What a connector's answer does to the session. `authorized` leaves the write to the
 * caller, which must store the card and its data in the same transaction.
 */
export function applyStepResult(
  session: Session,
  result: StepResult | { kind: "failed"; code: "ATTEMPTS_LOCKED" },
  encryptedState: string | null,
  now: Date,
  timing: Timing,
): StepTransition {
  const base = touched(session, now, timing);
  switch (result.kind) {
    case "challenged":
      return {
        kind: "challenged",
        next: { ...base, state: "challenged", challenges: result.challenges, connectorStateEnc: encryptedState, leaseUntil: null },
      };
    case "authorized":
      return { kind: "authorized" };
    case "failed":
      return failedStep(base, result.code);
  }
}

function failedStep(session: Session, code: ConnectorFailure | "ATTEMPTS_LOCKED"): StepTransition {
  // A wrong answer keeps the challenge (and the bank's state) while attempts remain.
  if (code === "INVALID_SECURITY_RESPONSE" && session.state === "answering") {
    const attemptsLeft = session.attemptsLeft - 1;
    if (attemptsLeft > 0) {
      // errorCode remembers the wrong answer for /AuthorizeAsync pollers until the next answer.
      return { kind: "failed", code, next: { ...session, state: "challenged", attemptsLeft, errorCode: code, leaseUntil: null } };
    }
    const next = failed({ ...session, attemptsLeft: 0 }, "INVALID_SECURITY_RESPONSE_NO_RETRY");
    return { kind: "failed", code: "INVALID_SECURITY_RESPONSE_NO_RETRY", next };
  }
  return { kind: "failed", code, next: failed(session, code) };
}

/** The session ended with `code`: nothing pending, no secrets kept, no lease. */
export function failed(session: Session, code: ErrorCode): Session {
  return {
    ...session,
    state: "failed",
    errorCode: code,
    challenges: null,
    connectorStateEnc: null,
    credentialsEnc: null,
    leaseUntil: null,
  };
}

export type MatchedResponses =
  | { kind: "empty" }
  | { kind: "matched"; answers: Record<string, string[]> }
  | { kind: "rejected"; code: "UNKNOWN_CHALLENGE_KEY" | "SECURITYRESPONSES_INCOMPLETE" };

/**
 * Maps the caller's SecurityResponses keys onto the pending prompts. Keys are compared by a
 * normalized form because node-flinks PascalCases them ("WhatShapeDoPeopleLikeMost?"). A TextOrCall
 * challenge is answered by keying the chosen phone number
 * (docs/flinks-compatibility.md#mfa-challenge-types).
 */
export function matchResponses(challenges: Challenge[], responses: Record<string, string[]>): MatchedResponses {
  const keys = Object.keys(responses);
  if (keys.length === 0) return { kind: "empty" };
  const answers: Record<string, string[]> = {};
  const answered = new Set<Challenge>();
  for (const key of keys) {
    const wanted = normalizePromptKey(key);
    const match = challenges.find((c) => acceptedKeys(c).some((k) => normalizePromptKey(k) === wanted));
    if (!match) return { kind: "rejected", code: "UNKNOWN_CHALLENGE_KEY" };
    const canonicalKey = acceptedKeys(match).find((k) => normalizePromptKey(k) === wanted) ?? match.prompt;
    answers[canonicalKey] = responses[key] ?? [];
    answered.add(match);
  }
  if (answered.size < challenges.length) return { kind: "rejected", code: "SECURITYRESPONSES_INCOMPLETE" };
  return { kind: "matched", answers };
}

function acceptedKeys(challenge: Challenge): string[] {
  return challenge.type === "TextOrCall" ? [challenge.prompt, ...(challenge.iterables ?? [])] : [challenge.prompt];
}
