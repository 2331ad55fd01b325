import type { Json } from "../types.js";
import type { ProfileSummary } from "./read-profile.js";

export type ExtraCredential = "userCred1" | "userCred2" | "authToken";

/** What the person is asked while a step is pending. */
export type PendingStep =
  /** The bank's extra credential fields (USERCRED1/2, AUTHTOKEN), asked as questions with its labels. */
  | { kind: "credentials"; fields: Array<{ field: ExtraCredential; prompt: string }> }
  /** MFA phrases; `prompt` null for the ones the connector answers itself (MFA101–MFA107). */
  | { kind: "mfa"; phrases: Array<{ phraseId: string; prompt: string | null }> }
  /** 15510: the person approves this CLIENTUID at the bank, then confirms. */
  | { kind: "approval"; prompt: string };

/**
 * The connector's state between steps, JSON only (a later step may run in another process).
 * bankgate encrypts it at rest; it holds what signing on again needs and nothing more.
 */
export interface OfxLoginState {
  v: 1;
  userId: string;
  password: string;
  language: "en" | "fr";
  /** The card's CLIENTUID (also in the card vault): a 15510 approval must be retried with the same one. */
  clientUid: string;
  profile: ProfileSummary;
  pending: PendingStep | null;
  /** A one-time AUTHTOKEN, between its answer and the signon that spends it. */
  authToken: string | null;
  /**
   * The last MFA answers, kept only when the bank gave no ACCESSKEY: without them the data
   * fetch right after the login would meet the challenge again.
   */
  mfaAnswers: Array<{ phraseId: string; answer: string }> | null;
}

export function toJson(state: OfxLoginState): Json {
  return JSON.parse(JSON.stringify(state)) as Json;
}

/** The state back from JSON; undefined for anything this connector did not write. */
export function fromJson(json: Json): OfxLoginState | undefined {
  if (typeof json !== "object" || json === null || Array.isArray(json)) return undefined;
  const state = json as unknown as Partial<OfxLoginState>;
  const valid =
    state.v === 1 &&
    typeof state.userId === "string" &&
    typeof state.password === "string" &&
    (state.language === "en" || state.language === "fr") &&
    typeof state.clientUid === "string" &&
    typeof state.profile === "object" &&
    state.profile !== null &&
    isPending(state.pending ?? null);
  return valid ? ({ pending: null, authToken: null, mfaAnswers: null, ...state } as OfxLoginState) : undefined;
}

function isPending(pending: unknown): boolean {
  if (pending === null) return true;
  const step = pending as Partial<Record<"kind" | "fields" | "phrases" | "prompt", unknown>>;
  switch (step.kind) {
    case "credentials":
      return Array.isArray(step.fields);
    case "mfa":
      return Array.isArray(step.phrases);
    case "approval":
      return typeof step.prompt === "string";
    default:
      return false;
  }
}
