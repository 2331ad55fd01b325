import { fileURLToPath } from "node:url";
import { originProblem, redirectUrlProblem } from "../lib/connect-allow-lists.js";
import { type FaultPoint, isFaultPoint } from "../lib/fault-points.js";
import { parseTimeOfDay, type TimeOfDay } from "../lib/nightly-schedule.js";
import { checkWebhookUrl, MIN_WEBHOOK_SECRET_LENGTH } from "../lib/webhook-receiver.js";

/**
 * The one typed configuration. Every option: env var, unit in its name, default.
 * docs/configuration.md lists them for operators.
 */
export interface Config {
  /** PORT: TCP port to listen on. */
  port: number;
  /** HOST: interface to listen on; loopback by default so a dev box exposes nothing. */
  host: string;
  /** BANKGATE_DATA_DIR: where the embedded SQLite store and dev keys live. */
  dataDir: string;
  /** DATABASE_URL: postgres://… selects PostgreSQL instead of the embedded SQLite file. */
  databaseUrl: string | null;
  /** BANKGATE_MASTER_KEYS: "keyId:base64key[,keyId:base64key…]"; the first encrypts. */
  masterKeys: string | null;
  /** Fixed development customer (scripts, CI); generated on first start when absent. */
  customer: { id: string | null; secretKey: string | null; apiKey: string | null };
  /** BANKGATE_AUTH_MODE: "token" (authorize token required on /Authorize) or "open" (legacy clients that send no auth). */
  authMode: "token" | "open";
  /** BANKGATE_SESSION_IDLE_TTL_SECONDS: a RequestId dies after this much inactivity (Flinks: 8 min). */
  sessionIdleTtlSeconds: number;
  /** BANKGATE_SESSION_ABSOLUTE_TTL_SECONDS: no RequestId outlives this, whatever its activity (Flinks: 30 min processing cap). */
  sessionAbsoluteTtlSeconds: number;
  /** BANKGATE_SESSION_TOUCH_INTERVAL_SECONDS: activity is written at most this often per session (reads stay cheap; expiry is exact to this many seconds). */
  sessionTouchIntervalSeconds: number;
  /** BANKGATE_AUTHORIZE_TOKEN_TTL_SECONDS: lifetime of a /GenerateAuthorizeToken token (Flinks' Resume page: 15 min). */
  authorizeTokenTtlSeconds: number;
  /** BANKGATE_MFA_ATTEMPTS_PER_REQUEST: wrong MFA answers allowed per RequestId before the session ends. */
  mfaAttemptsPerRequest: number;
  /** BANKGATE_ATTEMPT_FAILURES_PER_WINDOW: wrong MFA answers per card (and wrong passwords per institution + username) before a lock (S1: 5). */
  attemptFailuresPerWindow: number;
  /** BANKGATE_ATTEMPT_WINDOW_SECONDS: the sliding window those failures are counted in (S1: 24 h). */
  attemptWindowSeconds: number;
  /** BANKGATE_ATTEMPT_LOCK_SECONDS: the first lock; each further lock doubles (S1: ≥ 30 min). */
  attemptLockSeconds: number;
  /** BANKGATE_CONNECTOR_TIMEOUT_SECONDS: a connector step that takes longer fails with RETRY_LATER, and its claim on the session lapses. */
  connectorTimeoutSeconds: number;
  /** BANKGATE_CONNECTOR_ALLOW_HTTP: "on" lets connectors use plain http:// institution URLs (a bank simulator on a test network); default "off": HTTPS only. */
  connectorAllowHttp: boolean;
  /** BANKGATE_CONNECTOR_ALLOW_PRIVATE_NETWORK: "on" lets connectors reach loopback, private and link-local addresses; default "off": public addresses only, checked after DNS and on every redirect. */
  connectorAllowPrivateNetwork: boolean;
  /** BANKGATE_ROLE: "all" (API + job runner, the embedded mode), "api" (no runner) or "worker" (runner only). */
  role: "all" | "api" | "worker";
  /** BANKGATE_DATA_SYNC_WAIT_SECONDS: a synchronous data call waits this long for a running aggregation, then answers 202 OPERATION_DISPATCHED (Flinks: 210 s). */
  dataSyncWaitSeconds: number;
  /** BANKGATE_JOB_CONCURRENCY: jobs one process runs at once. */
  jobConcurrency: number;
  /** BANKGATE_JOB_POLL_INTERVAL_MS: how often idle runners and waiting data calls look for work settled by other processes. */
  jobPollIntervalMs: number;
  /** BANKGATE_JOB_CLAIM_SECONDS: a claimed job not finished within this time is run again elsewhere (a dead worker's). */
  jobClaimSeconds: number;
  /** BANKGATE_JOB_RETRY_BASE_SECONDS: first retry delay of a failed job; doubles with each attempt. */
  jobRetryBaseSeconds: number;
  /** BANKGATE_JOB_MAX_ATTEMPTS: attempts before a job fails for good. */
  jobMaxAttempts: number;
  /** BANKGATE_SANDBOX_PENDING_SECONDS: sandbox user test_pending's bank starts aggregating this late (data calls answer OPERATION_PENDING meanwhile). */
  sandboxPendingSeconds: number;
  /** BANKGATE_SANDBOX_DISPATCHED_SECONDS: sandbox user test_dispatched's aggregation takes this long (past the sync wait: OPERATION_DISPATCHED). */
  sandboxDispatchedSeconds: number;
  /** BANKGATE_SANDBOX_SLOW_SECONDS: sandbox user test_slow's every login and answer takes this long (virtual seconds). */
  sandboxSlowSeconds: number;
  /** BANKGATE_SANDBOX_CONTROL: "on" serves the sandbox control plane (/sandbox/v1: virtual time for the whole process); default "on" unless NODE_ENV=production. */
  sandboxControl: boolean;
  /** BANKGATE_WEBHOOK_URL: the development customer's webhook receiver (others set theirs with PUT /bankgate/v1/{customerId}/webhooks). */
  webhookUrl: string | null;
  /** BANKGATE_WEBHOOK_SECRET: the HMAC secret the development customer's webhooks are signed with; required with BANKGATE_WEBHOOK_URL. */
  webhookSecret: string | null;
  /** BANKGATE_WEBHOOK_MAX_ATTEMPTS: delivery attempts per event before it is marked failed (Flinks: 10). */
  webhookMaxAttempts: number;
  /** BANKGATE_WEBHOOK_RETRY_SECONDS: the wait between two delivery attempts (Flinks: 30 min). */
  webhookRetrySeconds: number;
  /** BANKGATE_WEBHOOK_TIMEOUT_SECONDS: a receiver that has not answered within this time fails the attempt. */
  webhookTimeoutSeconds: number;
  /** BANKGATE_NIGHTLY_REFRESH: "on" runs the nightly refresh cron in every process with a job runner (roles all and worker); "off" never enqueues it. */
  nightlyRefresh: boolean;
  /** BANKGATE_NIGHTLY_REFRESH_AT: "HH:MM" UTC when the nightly run starts each day (Flinks refreshes between 04:00 and 08:00 UTC); read on the sandbox's virtual clock when it is on. */
  nightlyRefreshAt: TimeOfDay;
  /** BANKGATE_STORE_MFA_ANSWERS: "on" keeps the development customer's MFA answers given in live sessions (encrypted) so nightly refreshes can answer them. */
  storeMfaAnswers: boolean;
  /** BANKGATE_CONNECT_REDIRECT_URLS: the development customer's allowed `redirectUrl`s, comma-separated, each matched exactly (default: the local demo page). */
  connectRedirectUrls: string[];
  /** BANKGATE_CONNECT_PARENT_ORIGINS: the development customer's origins allowed to frame the widget and receive its events, comma-separated (default: the local demo page's origins). */
  connectParentOrigins: string[];
  /** BANKGATE_WIDGET_DIR: the built Connect widget served at /connect/ (default: dist/connect of this installation). */
  widgetDir: string;
  /** BANKGATE_BODY_LIMIT_BYTES: larger request bodies get 413 PAYLOAD_TOO_LARGE. */
  bodyLimitBytes: number;
  /** LOG_LEVEL: pino level. */
  logLevel: string;
  /** BANKGATE_FAULT_POINT: TEST ONLY (kill-restart harness): the process kills itself with SIGKILL at this step (src/lib/fault-points.ts); refused when NODE_ENV=production. */
  faultPoint: FaultPoint | null;
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env): Config {
  const port = readInt(env, "PORT", 3000, 0, 65535);
  // The demo page (/demo) of this very server, under both names a browser on this machine uses.
  const demoOrigins = [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
  return {
    port,
    host: env.HOST || "127.0.0.1",
    dataDir: env.BANKGATE_DATA_DIR || "./data",
    databaseUrl: env.DATABASE_URL || null,
    masterKeys: env.BANKGATE_MASTER_KEYS || null,
    customer: {
      id: env.BANKGATE_CUSTOMER_ID || null,
      secretKey: env.BANKGATE_SECRET_KEY || null,
      apiKey: env.BANKGATE_API_KEY || null,
    },
    authMode: readEnum(env, "BANKGATE_AUTH_MODE", ["token", "open"], "token"),
    sessionIdleTtlSeconds: readInt(env, "BANKGATE_SESSION_IDLE_TTL_SECONDS", 480, 1),
    sessionAbsoluteTtlSeconds: readInt(env, "BANKGATE_SESSION_ABSOLUTE_TTL_SECONDS", 1800, 1),
    sessionTouchIntervalSeconds: readInt(env, "BANKGATE_SESSION_TOUCH_INTERVAL_SECONDS", 1, 0),
    authorizeTokenTtlSeconds: readInt(env, "BANKGATE_AUTHORIZE_TOKEN_TTL_SECONDS", 900, 1),
    mfaAttemptsPerRequest: readInt(env, "BANKGATE_MFA_ATTEMPTS_PER_REQUEST", 3, 1),
    attemptFailuresPerWindow: readInt(env, "BANKGATE_ATTEMPT_FAILURES_PER_WINDOW", 5, 1),
    attemptWindowSeconds: readInt(env, "BANKGATE_ATTEMPT_WINDOW_SECONDS", 86_400, 1),
    attemptLockSeconds: readInt(env, "BANKGATE_ATTEMPT_LOCK_SECONDS", 1_800, 1),
    connectorTimeoutSeconds: readInt(env, "BANKGATE_CONNECTOR_TIMEOUT_SECONDS", 60, 1),
    connectorAllowHttp: readEnum(env, "BANKGATE_CONNECTOR_ALLOW_HTTP", ["on", "off"], "off") === "on",
    connectorAllowPrivateNetwork: readEnum(env, "BANKGATE_CONNECTOR_ALLOW_PRIVATE_NETWORK", ["on", "off"], "off") === "on",
    role: readEnum(env, "BANKGATE_ROLE", ["all", "api", "worker"], "all"),
    dataSyncWaitSeconds: readInt(env, "BANKGATE_DATA_SYNC_WAIT_SECONDS", 210, 0),
    jobConcurrency: readInt(env, "BANKGATE_JOB_CONCURRENCY", 4, 1),
    jobPollIntervalMs: readInt(env, "BANKGATE_JOB_POLL_INTERVAL_MS", 250, 1),
    jobClaimSeconds: readInt(env, "BANKGATE_JOB_CLAIM_SECONDS", 120, 1),
    jobRetryBaseSeconds: readInt(env, "BANKGATE_JOB_RETRY_BASE_SECONDS", 5, 0),
    jobMaxAttempts: readInt(env, "BANKGATE_JOB_MAX_ATTEMPTS", 5, 1),
    sandboxPendingSeconds: readInt(env, "BANKGATE_SANDBOX_PENDING_SECONDS", 30, 0),
    sandboxDispatchedSeconds: readInt(env, "BANKGATE_SANDBOX_DISPATCHED_SECONDS", 240, 0),
    sandboxSlowSeconds: readInt(env, "BANKGATE_SANDBOX_SLOW_SECONDS", 5, 0),
    sandboxControl: readEnum(env, "BANKGATE_SANDBOX_CONTROL", ["on", "off"], env.NODE_ENV === "production" ? "off" : "on") === "on",
    ...readWebhookReceiver(env),
    webhookMaxAttempts: readInt(env, "BANKGATE_WEBHOOK_MAX_ATTEMPTS", 10, 1, 1000),
    webhookRetrySeconds: readInt(env, "BANKGATE_WEBHOOK_RETRY_SECONDS", 1_800, 0),
    webhookTimeoutSeconds: readInt(env, "BANKGATE_WEBHOOK_TIMEOUT_SECONDS", 10, 1, 300),
    nightlyRefresh: readEnum(env, "BANKGATE_NIGHTLY_REFRESH", ["on", "off"], "on") === "on",
    nightlyRefreshAt: readTimeOfDay(env, "BANKGATE_NIGHTLY_REFRESH_AT", { hour: 5, minute: 0 }),
    storeMfaAnswers: readEnum(env, "BANKGATE_STORE_MFA_ANSWERS", ["on", "off"], "off") === "on",
    connectRedirectUrls: readList(env, "BANKGATE_CONNECT_REDIRECT_URLS", redirectUrlProblem) ?? demoOrigins.map((o) => `${o}/demo`),
    connectParentOrigins: readList(env, "BANKGATE_CONNECT_PARENT_ORIGINS", originProblem) ?? demoOrigins,
    widgetDir: env.BANKGATE_WIDGET_DIR || fileURLToPath(new URL("../../dist/connect/", import.meta.url)),
    bodyLimitBytes: readInt(env, "BANKGATE_BODY_LIMIT_BYTES", 1024 * 1024, 1024),
    logLevel: env.LOG_LEVEL || "info",
    faultPoint: readFaultPoint(env),
  };
}

function readFaultPoint(env: Env): FaultPoint | null {
  const raw = env.BANKGATE_FAULT_POINT;
  if (raw === undefined || raw === "") return null;
  if (env.NODE_ENV === "production") throw new ConfigError("BANKGATE_FAULT_POINT is a test-only setting, refused with NODE_ENV=production");
  if (!isFaultPoint(raw)) throw new ConfigError(`BANKGATE_FAULT_POINT names no fault point, got "${raw.slice(0, 64)}"`);
  return raw;
}

function readWebhookReceiver(env: Env): { webhookUrl: string | null; webhookSecret: string | null } {
  const raw = env.BANKGATE_WEBHOOK_URL;
  const secret = env.BANKGATE_WEBHOOK_SECRET || null;
  if (raw === undefined || raw === "") return { webhookUrl: null, webhookSecret: null };
  const checked = checkWebhookUrl(raw);
  if ("refused" in checked) throw new ConfigError(`BANKGATE_WEBHOOK_URL is refused: ${checked.refused}`);
  if (secret === null || secret.length < MIN_WEBHOOK_SECRET_LENGTH) {
    throw new ConfigError(`BANKGATE_WEBHOOK_URL needs BANKGATE_WEBHOOK_SECRET, at least ${MIN_WEBHOOK_SECRET_LENGTH} characters`);
  }
  return { webhookUrl: checked.url, webhookSecret: secret };
}

/** A comma-separated list whose every entry passes `problemOf`; undefined when unset ("" is an empty list). */
function readList(env: Env, name: string, problemOf: (entry: string) => string | null): string[] | undefined {
  const raw = env[name];
  if (raw === undefined) return undefined;
  const entries = raw
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
  for (const entry of entries) {
    const problem = problemOf(entry);
    if (problem) throw new ConfigError(`${name}: "${entry.slice(0, 200)}" ${problem}`);
  }
  return entries;
}

function readInt(env: Env, name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return value;
}

function readTimeOfDay(env: Env, name: string, fallback: TimeOfDay): TimeOfDay {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const parsed = parseTimeOfDay(raw);
  if (!parsed) throw new ConfigError(`${name} must be a UTC time of day "HH:MM", got "${raw.slice(0, 64)}"`);
  return parsed;
}

function readEnum<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  if (!allowed.includes(raw as T)) throw new ConfigError(`${name} must be one of ${allowed.join(", ")}, got "${raw}"`);
  return raw as T;
}
