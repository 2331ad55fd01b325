import type { AccountChoice, Body, ConnectApi, Institution, Reply } from "./api";
import type { Emit } from "./emitter";
import { type ErrorStep, isErrorStep, type MfaType } from "./events";
import type { ErrorKey } from "./i18n";
import type { Params, ServerSettings } from "./settings";
import { InsecurePageError, normalizeSetupToken, setupTokenLabel } from "./setup-token-label";

export interface Challenge {
  type: MfaType;
  prompt: string;
  iterables: string[];
}

/** SecurityResponses as /Authorize takes them: answers keyed by prompt (or by the chosen phone for TextOrCall). */
export type Answers = Record<string, string[]>;

export type Screen =
  | { kind: "loading"; message: "loading" | "connecting" | "verifying" | "retrievingAccounts" }
  | { kind: "consent" }
  | { kind: "institutions"; institutions: Institution[] }
  | { kind: "credentials"; institution: Institution; error: ErrorKey | null }
  | { kind: "mfa"; institution: string; requestId: string; challenges: Challenge[]; error: ErrorKey | null }
  | { kind: "accounts"; institution: string; requestId: string; loginId: string; accounts: AccountChoice[]; preselected: string[] }
  /** `institution`: the display name (an id like SimpleFINSandbox is not for people). */
  | { kind: "success"; institution: string; url: string | null; navigating: boolean }
  | { kind: "error"; error: ErrorKey; restart: boolean }
  | { kind: "closed" };

const POLL_INTERVAL_MS = 1000;
const MAX_POLLS = 300;

/**
 * Failures a retry can fix on the same screen; each counts toward `maximumRetry`. A setup token
 * that is malformed, spent or points somewhere refused is fixed by pasting another.
 */
const CREDENTIAL_FAILURES = new Set([
  "INVALID_USERNAME",
  "INVALID_PASSWORD",
  "INVALID_LOGIN",
  "SETUP_TOKEN_INVALID",
  "SETUP_TOKEN_ALREADY_USED",
  "INSTITUTION_URL_REFUSED",
]);

export interface FlowDeps {
  params: Params;
  server: ServerSettings;
  api: ConnectApi;
  emit: Emit;
  show(screen: Screen): void;
  /** Where the REDIRECT goes: the iframe itself (innerRedirect) or the top window. */
  navigate(url: string, inner: boolean): boolean;
  /** Keeps the page's own URL resumable across a reload (requestId and the live token; no browser storage). */
  rememberInUrl(requestId: string | null, token: string | null): void;
  sleep(ms: number): Promise<void>;
}

/**
 * The Connect flow (the path of Flinks' event sequence,
 * https://flinks.freshdesk.com/support/solutions/articles/43000765797): institution → credentials →
 * MFA rounds → account selection → REDIRECT, with Resume and Mid-Session Reconnect entering at the
 * MFA prompt from the server's state. Screens are data; app.tsx draws them.
 */
export class Flow {
  #failures = 0;
  #institution: Institution | null = null;
  #institutions: Institution[] | null = null;

  constructor(private readonly deps: FlowDeps) {}

  async start(): Promise<void> {
    const { params, server, emit } = this.deps;
    emit("APP_MOUNTED");
    if (server.redirect.refused) return this.#fail("REDIRECT_URL_REFUSED", {}, false);
    if (!server.customerId) return this.#show({ kind: "error", error: "MISSING_CUSTOMER", restart: false });
    if (params.requestId) return this.resume(params.requestId);
    if (params.consentEnable) {
      this.#show({ kind: "consent" });
      emit("COMPONENT_LOAD_CONSENT");
      return;
    }
    return this.showInstitutions();
  }

  acceptConsent(): Promise<void> {
    this.deps.emit("COMPONENT_ACCEPT_CONSENT");
    return this.showInstitutions();
  }

  /** The terms checkbox of the consent screen (`termsUrl`). */
  consentTerms(accepted: boolean): void {
    this.deps.emit(accepted ? "COMPONENT_ACCEPT_TERMS" : "COMPONENT_DENY_TERMS");
  }

  termsClicked(): void {
    this.deps.emit("COMPONENT_CLICK_TERMS_URL");
  }

  denyConsent(): void {
    this.deps.emit("COMPONENT_DENY_CONSENT");
    this.#show({ kind: "closed" });
  }

  async showInstitutions(): Promise<void> {
    this.#show({ kind: "loading", message: "loading" });
    const all = this.#institutions ?? this.deps.server.institutions ?? (await this.#guard(() => this.deps.api.institutions()));
    if (!all) return;
    this.#institutions = all;
    const institutions = all.filter((i) => this.deps.params.demo || !i.sandbox);
    this.#show({ kind: "institutions", institutions });
    this.deps.emit("COMPONENT_LOAD_INSTITUTION_SELECTOR", { cached: false });
  }

  selectInstitution(institution: Institution): void {
    this.#institution = institution;
    this.deps.emit("INSTITUTION_SELECTED", { institution: institution.id });
    this.#show({ kind: "credentials", institution, error: null });
    this.deps.emit("COMPONENT_LOAD_CREDENTIAL", { institution: institution.id });
  }

  async submitCredentials(username: string, password: string): Promise<void> {
    const institution = this.#institution;
    if (!institution) return;
    const { params } = this.deps;
    this.deps.emit("SUBMIT_CREDENTIAL", { institution: institution.id });
    this.#show({ kind: "loading", message: "connecting" });
    const reply = await this.#guard(() =>
      this.deps.api.authorize({
        Institution: institution.id,
        Username: username,
        Password: password,
        MostRecentCached: false,
        Save: true,
        Language: params.language,
        ...(params.tag !== null ? { Tag: params.tag } : {}),
        ...(params.scheduleRefresh ? { ScheduleRefresh: true } : {}),
      }),
    );
    if (reply) return this.#settle(reply, { institution: institution.id, requestId: null, challenges: null });
  }

  /**
   * The one-field form (`loginForm.username: "derived"`): the token is the password, and the
   * username is derived from it as the server derives it, so the same token finds the same card.
   */
  async submitSetupToken(pasted: string): Promise<void> {
    const institution = this.#institution;
    if (!institution) return;
    const token = normalizeSetupToken(pasted);
    let username: string;
    try {
      username = await setupTokenLabel(token);
    } catch (error) {
      if (!(error instanceof InsecurePageError)) throw error;
      this.deps.emit.error("UNKNOWN_ERROR", { flinksCode: "UNKNOWN_ERROR", institution: institution.id });
      return this.#show({ kind: "error", error: "INSECURE_PAGE", restart: false });
    }
    return this.submitCredentials(username, token);
  }

  async submitMfa(requestId: string, institution: string, challenges: Challenge[], answers: Answers): Promise<void> {
    this.deps.emit("SUBMIT_MFA", { institution, requestId, mfaTypes: mfaTypesOf(challenges) });
    this.#show({ kind: "loading", message: "verifying" });
    const reply = await this.#guard(() => this.deps.api.authorize({ RequestId: requestId, SecurityResponses: answers }));
    if (reply) return this.#settle(reply, { institution, requestId, challenges });
  }

  /**
   * Resume and Mid-Session Reconnect (https://docs.flinks.com/guides/connect/resume-and-reconnect,
   * https://help.flinks.com/support/solutions/articles/43000711752): the server says where the
   * session stands.
   */
  async resume(requestId: string): Promise<void> {
    this.#show({ kind: "loading", message: "loading" });
    for (let poll = 0; poll < MAX_POLLS; poll++) {
      const reply = await this.#guard(() => this.deps.api.resume(requestId));
      if (!reply) return;
      if (reply.status !== 202) return this.#settle(reply, { institution: reply.body.Institution ?? null, requestId, challenges: null });
      await this.deps.sleep(POLL_INTERVAL_MS);
    }
    return this.#fail("RETRY_LATER", { requestId }, true);
  }

  async selectAccounts(screen: Extract<Screen, { kind: "accounts" }>, accountIds: string[]): Promise<void> {
    const { institution, requestId, loginId } = screen;
    this.deps.emit("ACCOUNT_SELECTED", { institution, requestId, accountId: accountIds.join(","), accountIds });
    return this.#saveSelectionAndFinish(institution, requestId, loginId, accountIds);
  }

  close(): void {
    this.deps.emit("COMPONENT_CLOSE_SESSION", this.#institution ? { institution: this.#institution.id } : {});
  }

  /** A fresh start after a failed or expired session: a fresh token, then the institution list. */
  async restart(): Promise<void> {
    this.#show({ kind: "loading", message: "loading" });
    const renewed = await this.#guard(() => this.deps.api.renewToken());
    if (renewed === null) return;
    if (!renewed) return this.#tokenInvalid();
    this.deps.rememberInUrl(null, this.deps.api.token);
    return this.showInstitutions();
  }

  // ── outcomes of /Authorize and of the resume view ────────────────────────────────────────

  async #settle(reply: Reply, at: { institution: string | null; requestId: string | null; challenges: Challenge[] | null }): Promise<void> {
    const body = reply.body;
    const institution: string = body.Institution ?? at.institution ?? this.#institution?.id ?? "";
    if (reply.status === 203) return this.#challenged(institution, body.RequestId, challengesOf(body), null);
    if (reply.status === 200) return this.#authorized(institution, body.RequestId, body.Login?.Id);
    if (reply.status === 202) return this.resume(body.RequestId ?? at.requestId);
    const code = String(body.FlinksCode ?? "UNKNOWN_ERROR");
    const requestId: string | undefined = body.RequestId ?? at.requestId ?? undefined;
    if (code === "ACCESS_DENIED") return this.#tokenInvalid();
    if (CREDENTIAL_FAILURES.has(code) && this.#institution && at.requestId === null) {
      return this.#credentialsRetry(code as ErrorKey & ErrorStep, institution);
    }
    if (code === "INVALID_SECURITY_RESPONSE" && requestId) return this.#mfaRetry(institution, requestId);
    if (code === "INVALID_SECURITY_RESPONSE_NO_RETRY") this.#failures++;
    return this.#fail(code, { requestId, institution }, code !== "DISABLED_INSTITUTION");
  }

  #challenged(institution: string, requestId: string, challenges: Challenge[], error: ErrorKey | null): void {
    this.deps.rememberInUrl(requestId, this.deps.api.token);
    this.#show({ kind: "mfa", institution, requestId, challenges, error });
    const fields = { institution, requestId, mfaTypes: mfaTypesOf(challenges) };
    this.deps.emit(error ? "COMPONENT_LOAD_MFA_RETRY" : "COMPONENT_LOAD_MFA", fields);
  }

  async #credentialsRetry(code: ErrorKey & ErrorStep, institution: string): Promise<void> {
    this.deps.emit.error(code, { flinksCode: code, institution });
    if (this.#maximumRetryReached({ institution })) return;
    // The token opened the failed session; a fresh one opens the next attempt.
    const renewed = await this.#guard(() => this.deps.api.renewToken());
    if (renewed === null) return;
    if (!renewed) return this.#tokenInvalid();
    const selected = this.#institution as Institution;
    this.#show({ kind: "credentials", institution: selected, error: code });
    this.deps.emit("COMPONENT_LOAD_CREDENTIAL_RETRY", { institution });
  }

  async #mfaRetry(institution: string, requestId: string): Promise<void> {
    this.deps.emit.error("INVALID_SECURITY_RESPONSE", { flinksCode: "INVALID_SECURITY_RESPONSE", requestId, institution });
    if (this.#maximumRetryReached({ institution, requestId })) return;
    // The bank may have changed its question: ask the server what is pending now.
    const reply = await this.#guard(() => this.deps.api.resume(requestId));
    if (!reply) return;
    if (reply.status !== 203) return this.#settle(reply, { institution, requestId, challenges: null });
    return this.#challenged(institution, requestId, challengesOf(reply.body), "INVALID_SECURITY_RESPONSE");
  }

  #maximumRetryReached(fields: { institution: string; requestId?: string }): boolean {
    this.#failures++;
    const limit = this.deps.params.maximumRetry;
    if (limit === null || this.#failures < limit) return false;
    this.deps.emit("MAXIMUM_RETRY_REACHED", fields);
    this.#show({ kind: "error", error: "MAXIMUM_RETRY_REACHED", restart: false });
    return true;
  }

  async #authorized(institution: string, requestId: string, loginId: string): Promise<void> {
    const { params } = this.deps;
    if (params.resumeSelectedAccounts) {
      return this.#saveSelectionAndFinish(institution, requestId, loginId, params.resumeSelectedAccounts);
    }
    if (!params.accountSelectorEnable) return this.#finish(institution, requestId, loginId, null);
    this.#show({ kind: "loading", message: "retrievingAccounts" });
    for (let poll = 0; poll < MAX_POLLS; poll++) {
      const reply = await this.#guard(() => this.deps.api.accounts(requestId));
      if (!reply) return;
      if (reply.status === 200) {
        const all = reply.body.accounts as AccountChoice[];
        const currency = params.accountSelectorCurrency;
        const accounts = currency ? all.filter((a) => a.currency === currency) : all;
        const preselected = (reply.body.selectedAccountIds as string[]).filter((id) => accounts.some((a) => a.id === id));
        this.#show({ kind: "accounts", institution, requestId, loginId, accounts, preselected });
        this.deps.emit("COMPONENT_LOAD_ACCOUNT_SELECTION", {
          institution,
          requestId,
          totalAccounts: all.length,
          displayedAccounts: accounts.length,
        });
        return;
      }
      if (reply.status !== 202) return this.#settle(reply, { institution, requestId, challenges: null });
      await this.deps.sleep(POLL_INTERVAL_MS);
    }
    return this.#fail("AGGREGATION_ERROR", { institution, requestId }, true);
  }

  async #saveSelectionAndFinish(institution: string, requestId: string, loginId: string, accountIds: string[]): Promise<void> {
    this.#show({ kind: "loading", message: "loading" });
    const reply = await this.#guard(() => this.deps.api.saveSelection(requestId, accountIds));
    if (!reply) return;
    if (reply.status !== 200) return this.#settle(reply, { institution, requestId, challenges: null });
    return this.#finish(institution, requestId, loginId, reply.body.selectedAccountIds as string[]);
  }

  /**
   * REDIRECT (https://docs.flinks.com/docs/successful-connection): the event always; the navigation
   * unless jsRedirect.
   */
  #finish(institution: string, requestId: string, loginId: string, accountIds: string[] | null): void {
    const { params, server } = this.deps;
    const accountId = accountIds && accountIds.length > 0 ? accountIds.join(",") : null;
    const url = server.redirect.url ? landingUrl(server.redirect.url, { loginId, institution, tag: params.tag, accountId }) : null;
    this.deps.rememberInUrl(null, this.deps.api.token);
    const navigating = url !== null && !params.jsRedirect;
    const name = this.#nameOf(institution);
    this.#show({ kind: "success", institution: name, url, navigating });
    this.deps.emit("REDIRECT", {
      loginId,
      requestId,
      institution,
      ...(accountId !== null && accountIds ? { accountId, accountIds } : {}),
      ...(url !== null ? { url } : {}),
    });
    if (navigating && !this.deps.navigate(url, params.innerRedirect)) {
      this.#show({ kind: "success", institution: name, url, navigating: false });
    }
  }

  #nameOf(institution: string): string {
    const all = this.#institutions ?? this.deps.server.institutions ?? [];
    return all.find((i) => i.id.toLowerCase() === institution.toLowerCase())?.name ?? institution;
  }

  /**
   * The token was refused: the same TOKEN_INVALID event everywhere; the person sees a neutral
   * message, except in a development deployment, where the integrator reading the page is told
   * which URL parameter is wrong (missing, or already used / expired).
   */
  #tokenInvalid(): void {
    this.deps.emit("TOKEN_INVALID");
    const explained = this.deps.api.token === null ? "TOKEN_MISSING" : "TOKEN_REFUSED";
    this.#show({ kind: "error", error: this.deps.server.development ? explained : "TOKEN_INVALID", restart: false });
  }

  #fail(code: string, fields: { requestId?: string; institution?: string }, restart: boolean): void {
    const step: ErrorStep = isErrorStep(code) ? code : "UNKNOWN_ERROR";
    this.deps.emit.error(step, { flinksCode: code, ...definedOnly(fields) });
    this.#show({ kind: "error", error: errorKeyOf(step), restart });
  }

  /** Network failures (offline, server gone) become an error screen with a retry, never an exception. */
  async #guard<T>(call: () => Promise<T>): Promise<T | null> {
    try {
      return await call();
    } catch {
      this.#show({ kind: "error", error: navigator.onLine === false ? "OFFLINE" : "UNKNOWN_ERROR", restart: true });
      return null;
    }
  }

  #show(screen: Screen): void {
    this.deps.show(screen);
  }
}

function challengesOf(body: Body): Challenge[] {
  const raw = Array.isArray(body.SecurityChallenges) ? (body.SecurityChallenges as Body[]) : [];
  return raw.map((c) => ({
    type: c.Type as MfaType,
    prompt: String(c.Prompt ?? ""),
    iterables: Array.isArray(c.Iterables) ? c.Iterables : [],
  }));
}

function mfaTypesOf(challenges: Challenge[]): MfaType[] {
  return challenges.map((c) => c.type);
}

const ERROR_KEYS = new Set<string>([
  "INVALID_USERNAME",
  "INVALID_PASSWORD",
  "INVALID_LOGIN",
  "INVALID_SECURITY_RESPONSE",
  "INVALID_SECURITY_RESPONSE_NO_RETRY",
  "RETRY_LATER",
  "DISABLED_LOGIN",
  "DISABLED_INSTITUTION",
  "NEW_ACCOUNT",
  "TOO_MANY_REQUESTS",
  "SESSION_EXPIRED",
  "SESSION_NONEXISTENT",
  "CONCURRENT_SESSION",
  "SESSION_REPLACED",
  "AGGREGATION_ERROR",
  "REDIRECT_URL_REFUSED",
  "SETUP_TOKEN_INVALID",
  "SETUP_TOKEN_ALREADY_USED",
  "INSTITUTION_URL_REFUSED",
  "RECONNECT_REQUIRED",
  "CONNECTION_NEEDS_ATTENTION",
  "PAYMENT_REQUIRED",
  "DAILY_REQUEST_LIMIT",
]);

function errorKeyOf(step: ErrorStep): ErrorKey {
  return ERROR_KEYS.has(step) ? (step as ErrorKey) : "UNKNOWN_ERROR";
}

function definedOnly<T extends object>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined && v !== null && v !== "")) as Partial<T>;
}

/**
 * The redirectUrl with loginId, institution, tag and accountId appended. Its own query is kept
 * byte for byte (appended to, never re-serialized); allow-listed URLs have no fragment.
 */
export function landingUrl(
  redirectUrl: string,
  fields: { loginId: string; institution: string; tag: string | null; accountId: string | null },
): string {
  const added = new URLSearchParams({ loginId: fields.loginId, institution: fields.institution });
  if (fields.tag !== null) added.append("tag", fields.tag);
  if (fields.accountId !== null) added.append("accountId", fields.accountId);
  const separator = redirectUrl.includes("?") ? (/[?&]$/.test(redirectUrl) ? "" : "&") : "?";
  return `${redirectUrl}${separator}${added.toString()}`;
}
