/**
 * The Connect widget's postMessage events: one typed, versioned schema shared by the widget
 * (widget/src) and its tests (test/e2e). Step names are Flinks Connect's
 * (https://docs.flinks.com/docs/events); the fields each step carries are listed here and nowhere
 * else. Events are objects, or their JSON text with `stringify=true`, and are posted only to the
 * customer's allow-listed parent origins, never to "*".
 *
 * Versioning: `schemaVersion` changes only when a field is removed or changes meaning; new
 * steps and new optional fields keep the version.
 */
export const CONNECT_EVENT_SCHEMA_VERSION = 1;

/**
 * Challenge types (docs/flinks-compatibility.md#mfa-challenge-types), as the widget reports them in
 * `mfaTypes`. `TextOnly`: a message the person acts on elsewhere (approve this app at the bank),
 * then confirms.
 */
export type MfaType =
  | "QuestionAndAnswer"
  | "MultipleChoice"
  | "MultipleChoiceMultipleAnswers"
  | "ImageSelection"
  | "TextOrCall"
  | "TextOnly";

/**
 * Error steps: Flinks codes reused as steps (the first ten are those of Flinks' handled-errors
 * page, https://docs.flinks.com/guides/connect/flinks-connect/handled-errors), plus the codes
 * bankgate answers that Flinks' list lacks, and the widget's own configuration error.
 */
export const ERROR_STEPS = [
  "INVALID_USERNAME",
  "INVALID_PASSWORD",
  "INVALID_LOGIN",
  "INVALID_SECURITY_RESPONSE",
  "RETRY_LATER",
  "UNAUTHORIZED",
  "NEW_ACCOUNT",
  "AGGREGATION_ERROR",
  "DISABLED_INSTITUTION",
  "DISABLED_LOGIN",
  "INVALID_SECURITY_RESPONSE_NO_RETRY",
  "SESSION_EXPIRED",
  "SESSION_NONEXISTENT",
  "TOO_MANY_REQUESTS",
  "CONCURRENT_SESSION",
  /** bankgate: a newer session (another tab, a new login) took the card over from this one. */
  "SESSION_REPLACED",
  "INVALID_REQUEST",
  "UNKNOWN_ERROR",
  /** bankgate: `redirectUrl` is not on the customer's allow-list; the widget does not start. */
  "REDIRECT_URL_REFUSED",
  /** bankgate, SimpleFIN institutions (docs/errors.md). */
  "SETUP_TOKEN_INVALID",
  "SETUP_TOKEN_ALREADY_USED",
  "INSTITUTION_URL_REFUSED",
  "RECONNECT_REQUIRED",
  "CONNECTION_NEEDS_ATTENTION",
  "PAYMENT_REQUIRED",
  "DAILY_REQUEST_LIMIT",
] as const;
export type ErrorStep = (typeof ERROR_STEPS)[number];

interface Institutional {
  institution: string;
}

interface InSession extends Institutional {
  requestId: string;
}

/** Each step and its fields (besides the common `step`, `schemaVersion` and `tag`). */
export interface StepFields {
  APP_MOUNTED: Record<never, never>;
  APP_ONLINE: Record<never, never>;
  APP_OFFLINE: Record<never, never>;
  COMPONENT_LOAD_CONSENT: Record<never, never>;
  COMPONENT_ACCEPT_CONSENT: Record<never, never>;
  COMPONENT_DENY_CONSENT: Record<never, never>;
  COMPONENT_ACCEPT_TERMS: Record<never, never>;
  COMPONENT_DENY_TERMS: Record<never, never>;
  COMPONENT_CLICK_TERMS_URL: Record<never, never>;
  COMPONENT_LOAD_INSTITUTION_SELECTOR: { cached: false };
  INSTITUTION_SELECTED: Institutional;
  COMPONENT_LOAD_CREDENTIAL: Institutional;
  SUBMIT_CREDENTIAL: Institutional;
  COMPONENT_LOAD_CREDENTIAL_RETRY: Institutional;
  COMPONENT_LOAD_MFA: InSession & { mfaTypes: MfaType[] };
  SUBMIT_MFA: InSession & { mfaTypes: MfaType[] };
  COMPONENT_LOAD_MFA_RETRY: InSession & { mfaTypes: MfaType[] };
  COMPONENT_LOAD_ACCOUNT_SELECTION: InSession & { totalAccounts: number; displayedAccounts: number };
  /** `accountId`: the chosen AccountIds, comma-separated (one id without the selector's multiple mode). */
  ACCOUNT_SELECTED: InSession & { accountId: string; accountIds: string[] };
  /**
   * The end: the card is connected. `accountId`/`accountIds` when accounts were selected
   * (selector or resumeSelectedAccounts); `url` when a redirectUrl was given, with `loginId`,
   * `institution`, `tag` and `accountId` appended to its own query.
   */
  REDIRECT: InSession & { loginId: string; accountId?: string; accountIds?: string[]; url?: string };
  COMPONENT_CLOSE_SESSION: Partial<Institutional>;
  MAXIMUM_RETRY_REACHED: Partial<InSession>;
  /** The authorize token was refused (expired, spent, or of another customer). */
  TOKEN_INVALID: Record<never, never>;
}

export type InfoStep = keyof StepFields;
export type ConnectStep = InfoStep | ErrorStep;

/**
 * The error form: `{step: <code>, flinksCode, requestId, institution}`
 * (https://help.flinks.com/support/solutions/articles/43000436171,
 * https://docs.flinks.com/guides/connect/flinks-connect/handled-errors).
 */
export interface ErrorFields {
  flinksCode: string;
  requestId?: string;
  institution?: string;
}

interface Common {
  schemaVersion: typeof CONNECT_EVENT_SCHEMA_VERSION;
  /** The `tag` URL parameter, echoed on every event when it was given. */
  tag?: string;
}

export type ConnectEventOf<S extends ConnectStep> = Common & { step: S } & (S extends InfoStep ? StepFields[S] : ErrorFields);
export type ConnectEvent = { [S in ConnectStep]: ConnectEventOf<S> }[ConnectStep];

const INFO_STEPS: ReadonlySet<string> = new Set<InfoStep>([
  "APP_MOUNTED",
  "APP_ONLINE",
  "APP_OFFLINE",
  "COMPONENT_LOAD_CONSENT",
  "COMPONENT_ACCEPT_CONSENT",
  "COMPONENT_DENY_CONSENT",
  "COMPONENT_ACCEPT_TERMS",
  "COMPONENT_DENY_TERMS",
  "COMPONENT_CLICK_TERMS_URL",
  "COMPONENT_LOAD_INSTITUTION_SELECTOR",
  "INSTITUTION_SELECTED",
  "COMPONENT_LOAD_CREDENTIAL",
  "SUBMIT_CREDENTIAL",
  "COMPONENT_LOAD_CREDENTIAL_RETRY",
  "COMPONENT_LOAD_MFA",
  "SUBMIT_MFA",
  "COMPONENT_LOAD_MFA_RETRY",
  "COMPONENT_LOAD_ACCOUNT_SELECTION",
  "ACCOUNT_SELECTED",
  "REDIRECT",
  "COMPONENT_CLOSE_SESSION",
  "MAXIMUM_RETRY_REACHED",
  "TOKEN_INVALID",
]);
const ERROR_STEP_SET: ReadonlySet<string> = new Set<string>(ERROR_STEPS);

export function isErrorStep(step: string): step is ErrorStep {
  return ERROR_STEP_SET.has(step);
}

/** An event as a parent receives it (`stringify=true` sends JSON text); null for anything else. */
export function parseConnectEvent(data: unknown): ConnectEvent | null {
  let value = data;
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch {
      return null;
    }
  }
  if (typeof value !== "object" || value === null) return null;
  const { step, schemaVersion } = value as { step?: unknown; schemaVersion?: unknown };
  if (schemaVersion !== CONNECT_EVENT_SCHEMA_VERSION || typeof step !== "string") return null;
  return INFO_STEPS.has(step) || ERROR_STEP_SET.has(step) ? (value as ConnectEvent) : null;
}
