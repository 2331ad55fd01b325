import { describe, expect, it } from "vitest";
import { normalizePromptKey } from "../../src/connectors/prompt-key.js";
import type { StepResult } from "../../src/connectors/types.js";
import type { Session } from "../../src/records/session.js";
import {
  applyStepResult,
  claimedForAnswer,
  isBusy,
  isExpired,
  matchResponses,
  recoveredFromLapsedLease,
  touched,
} from "../../src/sessions/transitions.js";

const T0 = new Date("2026-01-15T15:00:00.000Z");
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const timing = { idleTtlSeconds: 480, leaseSeconds: 60 };

function session(overrides: Partial<Session> = {}): Session {
  return {
    requestId: "r",
    customerId: "c",
    loginId: null,
    institution: "FlinksCapital",
    mode: "live",
    state: "challenged",
    language: "en",
    save: true,
    tag: null,
    scheduleRefresh: false,
    challenges: [{ type: "QuestionAndAnswer", prompt: "What shape do people like most?" }],
    connectorStateEnc: "state",
    credentialsEnc: "creds",
    attemptsLeft: 3,
    errorCode: null,
    snapshotId: null,
    authorizeTokenHash: null,
    version: 1,
    leaseUntil: null,
    leaseHolder: null,
    createdAt: T0,
    lastActivityAt: T0,
    expiresAt: at(480),
    absoluteExpiresAt: at(1800),
    ...overrides,
  };
}

describe("expiry", () => {
  it.each([
    [479, false],
    [480, true],
    [481, true],
  ])("at +%is the session is expired: %s (the boundary second is expired)", (seconds, expired) => {
    expect(isExpired(session(), at(seconds))).toBe(expired);
  });

  it("activity slides the idle expiry but never past the absolute cap", () => {
    expect(touched(session(), at(100), timing).expiresAt).toEqual(at(580));
    expect(touched(session(), at(1700), timing).expiresAt).toEqual(at(1800));
  });
});

describe("answer lease", () => {
  it("a claimed session is busy until its lease lapses", () => {
    const claimed = claimedForAnswer(session(), at(10), timing, "holder-1");
    expect(claimed.state).toBe("answering");
    expect(claimed.leaseHolder).toBe("holder-1");
    expect(isBusy(claimed, at(69))).toBe(true);
    expect(isBusy(claimed, at(70))).toBe(false);
  });

  it.each([
    ["answering", "challenged", null],
    ["connecting", "failed", "RETRY_LATER"],
    ["challenged", "challenged", null],
  ] as const)("a lapsed %s session recovers to %s", (state, expected, code) => {
    const recovered = recoveredFromLapsedLease(session({ state, leaseUntil: at(0) }));
    expect(recovered.state).toBe(expected);
    expect(recovered.errorCode).toBe(code);
  });
});

describe("applyStepResult", () => {
  const answering = claimedForAnswer(session(), at(5), timing, "holder-1");
  const cases: Array<[string, Session, StepResult, string, Partial<Session>]> = [
    [
      "challenge",
      session({ state: "connecting" }),
      { kind: "challenged", challenges: [{ type: "MultipleChoice", prompt: "p", iterables: ["a"] }], connectorState: {} },
      "challenged",
      { state: "challenged", leaseUntil: null },
    ],
    [
      "first wrong answer",
      answering,
      { kind: "failed", code: "INVALID_SECURITY_RESPONSE" },
      "failed",
      { state: "challenged", attemptsLeft: 2, connectorStateEnc: "state" },
    ],
    [
      "last wrong answer",
      { ...answering, attemptsLeft: 1 },
      { kind: "failed", code: "INVALID_SECURITY_RESPONSE" },
      "failed",
      { state: "failed", attemptsLeft: 0, errorCode: "INVALID_SECURITY_RESPONSE_NO_RETRY", credentialsEnc: null, connectorStateEnc: null },
    ],
    [
      "bank refusal",
      session({ state: "connecting" }),
      { kind: "failed", code: "DISABLED_LOGIN" },
      "failed",
      { state: "failed", errorCode: "DISABLED_LOGIN" },
    ],
  ];
  it.each(cases)("%s", (_name, from, result, kind, expected) => {
    const transition = applyStepResult(from, result, "new-state", at(10), timing);
    expect(transition.kind).toBe(kind);
    if (transition.kind !== "authorized") expect(transition.next).toMatchObject(expected);
  });

  it("leaves an authorization for the caller to commit with the card", () => {
    expect(applyStepResult(answering, { kind: "authorized", connectorState: {} }, null, at(10), timing).kind).toBe("authorized");
  });
});

describe("matchResponses", () => {
  const challenges = [
    { type: "QuestionAndAnswer" as const, prompt: "What shape do people like most?" },
    { type: "TextOrCall" as const, prompt: "How do you want your code?", iterables: ["(•••) •••-1234"] },
  ];

  it("matches exact, PascalCased and phone-number keys", () => {
    expect(matchResponses(challenges, { WhatShapeDoPeopleLikeMost: ["Triangle"], "(•••) •••-1234": ["Text"] })).toEqual({
      kind: "matched",
      answers: { "What shape do people like most?": ["Triangle"], "(•••) •••-1234": ["Text"] },
    });
  });

  it.each([
    [{}, "empty"],
    [{ "What shape do people like most?": ["x"] }, "SECURITYRESPONSES_INCOMPLETE"],
    [{ "Who are you?": ["x"] }, "UNKNOWN_CHALLENGE_KEY"],
  ])("%j → %s", (responses, expected) => {
    const result = matchResponses(challenges, responses);
    expect(result.kind === "rejected" ? result.code : result.kind).toBe(expected);
  });

  it("normalizes prompts to letters and digits, case- and accent-folded", () => {
    expect(normalizePromptKey("Dans quelle ville êtes-vous né?")).toBe("dansquellevilleetesvousne");
  });
});
