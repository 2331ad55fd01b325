import { fileURLToPath } from "node:url";
import { type Static, Type } from "typebox";
import { originProblem, redirectUrlProblem } from "../lib/connect-allow-lists.js";
import { isFaultPoint } from "../lib/fault-points.js";
import { integer, list, oneOf, onOff, text, textOr, timeOfDay } from "./config-option.js";

/** The demo page (/demo) of this very server, under both names a browser on this machine uses. */
const demoOrigins = (env: Record<string, string | undefined>) => {
  const port = env.PORT || "3000";
  return [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
};

const everyEntry = (problemOf: (entry: string) => string | null) => (entries: string[]) =>
  entries.map((entry) => problemOf(entry) && `"${entry.slice(0, 200)}" ${problemOf(entry)}`).find(Boolean) ?? null;

/**
 * Every option bankgate reads, grouped by concern: the loader (load-config.ts), the Config
 * type and docs/configuration.md (render-config-doc.ts) all come from this one schema.
 */
export const ConfigSchema = Type.Object({
  server: Type.Object({
    port: integer("PORT", 3000, "TCP port to listen on.", 0, 65535),
    host: textOr(
      "HOST",
      "127.0.0.1",
      "Interface to listen on; loopback by default so a development box exposes nothing (`0.0.0.0` exposes it).",
    ),
    role: oneOf(
      "BANKGATE_ROLE",
      ["all", "api", "worker"],
      "all",
      "`all`: API and job runner (the embedded mode); `api`: HTTP only; `worker`: jobs only (scale-out on PostgreSQL).",
    ),
    workers: integer(
      "BANKGATE_WORKERS",
      1,
      'Processes serving this role on this machine: above 1, a primary process starts that many workers that share the port, the store and the sandbox\'s virtual clock, and replaces one that dies (one per core is the fastest; docs/decisions.md, "Worker processes"). The built-in simulators need 1.',
      1,
      64,
    ),
    headersTimeoutSeconds: integer(
      "BANKGATE_HTTP_HEADERS_TIMEOUT_SECONDS",
      10,
      "A connection must send its request headers within this long of opening (or of starting its next request), or it is closed (`408` when some arrived).",
      1,
      600,
    ),
    requestTimeoutSeconds: integer(
      "BANKGATE_HTTP_REQUEST_TIMEOUT_SECONDS",
      30,
      "The whole request (headers and body) must arrive within this long (`408` otherwise); the answer may take longer (a data call waits up to `BANKGATE_DATA_SYNC_WAIT_SECONDS`). At least the headers timeout.",
      1,
      3_600,
    ),
    keepAliveTimeoutSeconds: integer(
      "BANKGATE_HTTP_KEEP_ALIVE_TIMEOUT_SECONDS",
      72,
      "An idle keep-alive connection is closed after this long. Longer than the 60 s idle timeout of common proxies and load balancers, so none of them reuses a connection bankgate is closing; lower it when clients connect directly.",
      1,
      3_600,
    ),
    maxConnections: integer(
      "BANKGATE_HTTP_MAX_CONNECTIONS",
      1_024,
      "Open connections at most; further ones are closed as they arrive.",
      1,
      1_000_000,
    ),
    shutdownGraceSeconds: integer(
      "BANKGATE_SHUTDOWN_GRACE_SECONDS",
      10,
      "On SIGTERM or SIGINT, requests and jobs in flight get this long to finish; then bank calls still running are abandoned as a crash would leave them (their sessions recover at once) and the process exits 0.",
      0,
      3_600,
    ),
    bodyLimitBytes: integer("BANKGATE_BODY_LIMIT_BYTES", 1024 * 1024, "Larger request bodies get `413 PAYLOAD_TOO_LARGE`.", 1024),
    logLevel: textOr("LOG_LEVEL", "info", "pino log level (`silent` … `trace`)."),
    metrics: onOff(
      "BANKGATE_METRICS",
      true,
      "Serve `GET /metrics` in the Prometheus text format (docs/observability.md). `off`: no route and no metrics hook on the request path.",
    ),
    widgetDir: textOr(
      "BANKGATE_WIDGET_DIR",
      () => fileURLToPath(new URL("../../dist/connect/", import.meta.url)),
      "The built Connect widget served at `/connect/` (`npm run build` writes it).",
      "`dist/connect` of this installation",
    ),
    dashboardDir: textOr(
      "BANKGATE_DASHBOARD_DIR",
      () => fileURLToPath(new URL("../../dist/dashboard/", import.meta.url)),
      "The built dashboard served at `/dashboard/` (`npm run build` writes it).",
      "`dist/dashboard` of this installation",
    ),
  }),
  store: Type.Object({
    dataDir: textOr(
      "BANKGATE_DATA_DIR",
      "./data",
      "Where the embedded SQLite file, the development master key and the development customer live.",
    ),
    databaseUrl: text(
      "DATABASE_URL",
      "`postgres://…` selects PostgreSQL instead of the embedded SQLite file (then `BANKGATE_MASTER_KEYS` is required).",
    ),
    preparedStatements: onOff(
      "BANKGATE_PG_PREPARED_STATEMENTS",
      true,
      "PostgreSQL: run the store's frequent statements as named prepared statements, parsed and planned once per connection. `off` behind a connection pooler in transaction mode that does not keep them (PgBouncer before 1.21).",
    ),
    waitMs: integer(
      "BANKGATE_STORE_WAIT_MS",
      5_000,
      "How long a request waits for the store — the SQLite file locked by another process, a PostgreSQL lock or pool connection — before it answers `503 RETRY_LATER` with `Retry-After`. The wait never blocks other requests.",
      0,
      600_000,
    ),
  }),
  keys: Type.Object({
    masterKeys: text(
      "BANKGATE_MASTER_KEYS",
      "`keyId:base64key[,keyId:base64key…]` (32-byte keys); the first encrypts, all decrypt. Absent: a development key generated into the data directory.",
    ),
    customerId: text(
      "BANKGATE_CUSTOMER_ID",
      "Fixes the development customer's id (with its two keys below); absent: generated on first start.",
    ),
    secretKey: text("BANKGATE_SECRET_KEY", "The development customer's secret key (`flinks-auth-key` on /GenerateAuthorizeToken)."),
    apiKey: text("BANKGATE_API_KEY", "The development customer's API key (`x-api-key` on the data endpoints)."),
    metricsToken: text(
      "BANKGATE_METRICS_TOKEN",
      "The bearer token `GET /metrics` requires (`Authorization: Bearer …`, at least 16 characters). Unset: `/metrics` answers only direct requests from this machine (a loopback peer, no `Forwarded` or `X-Forwarded-For` header) and is 404 to anyone else.",
      { check: (value: string | null) => (value !== null && value.length < 16 ? "must be at least 16 characters" : null) },
    ),
  }),
  development: Type.Object({
    authMode: oneOf(
      "BANKGATE_AUTH_MODE",
      ["auto", "token", "open"],
      "auto",
      "`token`: every call needs an authorize token or a key; `open`: the development customer also serves legacy clients that send no credentials (a token or key that is sent is still checked), for sandbox institutions only; `auto`: `open` in a development deployment, `token` otherwise.",
    ),
    sandboxControl: oneOf(
      "BANKGATE_SANDBOX_CONTROL",
      ["auto", "on", "off"],
      "auto",
      "The sandbox control plane under `/sandbox/v1` (virtual clock, forced outcomes, scripts; the clock is server-wide, shared by its worker processes). `auto`: on in a development deployment.",
    ),
    demo: oneOf(
      "BANKGATE_DEMO",
      ["auto", "on", "off"],
      "auto",
      "The demo page `/demo` and `POST /demo/api/token`, which hands out the development customer's authorize tokens (for sandbox institutions only) with no credentials. `auto`: on in a development deployment.",
    ),
    simulators: oneOf(
      "BANKGATE_SIMULATORS",
      ["auto", "on", "off"],
      "auto",
      "The built-in SimpleFIN and OFX servers under `/sim/` and the two sandbox institutions that reach them over real HTTP (`SimpleFIN (sandbox)`, `OFX Credit Union (sandbox)`). `auto`: on in a development deployment of one process (`BANKGATE_WORKERS=1`: the OFX simulator remembers its signons in memory).",
    ),
    dashboard: oneOf(
      "BANKGATE_DASHBOARD",
      ["auto", "on", "read-only", "off"],
      "auto",
      "The dashboard at `/dashboard/` (docs/dashboard.md), signed in with a customer's secret key: `on` shows and changes, `read-only` shows and refuses every change, `off` serves nothing. `auto`: on in a development deployment, off otherwise.",
    ),
    generateKeys: oneOf(
      "BANKGATE_GENERATE_KEYS",
      ["auto", "on", "off"],
      "auto",
      "Generate a development customer and a development master key into the data directory when none is configured, and print the new keys once. `auto`: on in a development deployment; otherwise configure `BANKGATE_MASTER_KEYS` and `BANKGATE_CUSTOMER_ID` with its keys.",
    ),
  }),
  sessions: Type.Object({
    idleTtlSeconds: integer("BANKGATE_SESSION_IDLE_TTL_SECONDS", 480, "A RequestId dies after this much inactivity (Flinks: 8 min).", 1),
    absoluteTtlSeconds: integer(
      "BANKGATE_SESSION_ABSOLUTE_TTL_SECONDS",
      1800,
      "No RequestId outlives this, whatever its activity (Flinks: 30 min).",
      1,
    ),
    touchIntervalSeconds: integer(
      "BANKGATE_SESSION_TOUCH_INTERVAL_SECONDS",
      1,
      "Data reads write the session's activity at most this often (reads stay cheap; expiry is exact to this many seconds).",
      0,
    ),
    authorizeTokenTtlSeconds: integer(
      "BANKGATE_AUTHORIZE_TOKEN_TTL_SECONDS",
      1800,
      "Lifetime of an authorize token, from issue (Flinks' authentication reference: 30 min if unused; its Resume page's table says 15).",
      1,
    ),
    mfaAttemptsPerRequest: integer("BANKGATE_MFA_ATTEMPTS_PER_REQUEST", 3, "Wrong MFA answers per RequestId before the session ends.", 1),
    attemptFailuresPerWindow: integer(
      "BANKGATE_ATTEMPT_FAILURES_PER_WINDOW",
      5,
      "Wrong MFA answers per card, or wrong passwords per institution + username, before a lock.",
      1,
    ),
    attemptWindowSeconds: integer("BANKGATE_ATTEMPT_WINDOW_SECONDS", 86_400, "The sliding window those failures count in.", 1),
    attemptLockSeconds: integer("BANKGATE_ATTEMPT_LOCK_SECONDS", 1_800, "The first lock; each further lock doubles.", 1),
    dataSyncWaitSeconds: integer(
      "BANKGATE_DATA_SYNC_WAIT_SECONDS",
      210,
      "A synchronous data call waits this long for a running aggregation, then answers `202 OPERATION_DISPATCHED` (Flinks: 210 s).",
      0,
    ),
  }),
  connectors: Type.Object({
    timeoutSeconds: integer(
      "BANKGATE_CONNECTOR_TIMEOUT_SECONDS",
      60,
      "An institution step that takes longer answers `RETRY_LATER`, and its claim on the session lapses.",
      1,
    ),
    allowHttp: onOff(
      "BANKGATE_CONNECTOR_ALLOW_HTTP",
      false,
      "`on` lets connectors use plain `http://` institution URLs (a bank simulator on a test network); `off`: HTTPS only.",
    ),
    simplefin: onOff(
      "BANKGATE_SIMPLEFIN",
      false,
      "`on` offers the real `SimpleFIN` institution (setup tokens from the SimpleFIN Bridge or any SimpleFIN server; docs/connectors.md). A real institution makes the deployment a non-development one.",
    ),
    simplefinDailyRequests: integer(
      "BANKGATE_SIMPLEFIN_DAILY_REQUESTS",
      24,
      "Requests bankgate sends one SimpleFIN access URL per UTC day; past it, refreshes keep serving the card's last data.",
      1,
      10_000,
    ),
    institutionsFile: text(
      "BANKGATE_INSTITUTIONS_FILE",
      "A JSON or YAML directory of real OFX Direct Connect institutions (docs/connectors.md). A real institution makes the deployment a non-development one.",
    ),
    allowPrivateNetwork: onOff(
      "BANKGATE_CONNECTOR_ALLOW_PRIVATE_NETWORK",
      false,
      "`on` lets connectors reach loopback, private and link-local addresses; `off`: public addresses only, checked after DNS resolution and on every redirect.",
    ),
  }),
  jobs: Type.Object({
    concurrency: integer(
      "BANKGATE_JOB_CONCURRENCY",
      8,
      'Jobs one process runs at once: the nightly refresh\'s pace against the delay API requests meet while jobs run (docs/decisions.md, "Job concurrency").',
      1,
    ),
    pollIntervalMs: integer(
      "BANKGATE_JOB_POLL_INTERVAL_MS",
      250,
      "How often idle runners and waiting data calls look for work settled by other processes.",
      1,
    ),
    claimSeconds: integer(
      "BANKGATE_JOB_CLAIM_SECONDS",
      120,
      "A claimed job not finished by then runs again elsewhere (a dead worker's).",
      1,
    ),
    retryBaseSeconds: integer("BANKGATE_JOB_RETRY_BASE_SECONDS", 5, "First retry delay of a failed job; doubles each attempt.", 0),
    maxAttempts: integer("BANKGATE_JOB_MAX_ATTEMPTS", 5, "Attempts before a job fails for good.", 1),
    leaseHolderLapseSeconds: integer(
      "BANKGATE_LEASE_HOLDER_LAPSE_SECONDS",
      30,
      "A process whose heartbeat is this old is presumed dead and its session leases and job claims are released (a dead process on the same host is known at once); processes beat every sixth of it.",
      1,
      3_600,
    ),
  }),
  sandbox: Type.Object({
    pendingSeconds: integer(
      "BANKGATE_SANDBOX_PENDING_SECONDS",
      30,
      "Sandbox user `test_pending`: the bank starts aggregating this late.",
      0,
    ),
    dispatchedSeconds: integer(
      "BANKGATE_SANDBOX_DISPATCHED_SECONDS",
      240,
      "Sandbox user `test_dispatched`: the aggregation takes this long.",
      0,
    ),
    slowSeconds: integer(
      "BANKGATE_SANDBOX_SLOW_SECONDS",
      5,
      "Sandbox user `test_slow`: every login and answer takes this long (on the virtual clock).",
      0,
    ),
  }),
  nightly: Type.Object({
    enabled: onOff(
      "BANKGATE_NIGHTLY_REFRESH",
      true,
      "`on` runs the nightly refresh cron in every process with a job runner (roles `all` and `worker`); duplicates across processes refresh nothing.",
    ),
    at: timeOfDay(
      "BANKGATE_NIGHTLY_REFRESH_AT",
      { hour: 5, minute: 0 },
      "UTC time of day (`HH:MM`) the nightly run enqueues its refreshes (Flinks refreshes between 04:00 and 08:00 UTC); read on the virtual clock when the sandbox control plane is on.",
    ),
    storeMfaAnswers: onOff(
      "BANKGATE_STORE_MFA_ANSWERS",
      true,
      "`on` keeps the development customer's accepted answers to QuestionAndAnswer prompts (encrypted, per card) so nightly refreshes can answer them, as Flinks keeps what the person answered in Connect; `off` keeps none. Applied at every start; other customers switch it with `PUT /bankgate/v1/{customerId}/settings`.",
    ),
  }),
  webhooks: Type.Object({
    url: text(
      "BANKGATE_WEBHOOK_URL",
      "The development customer's webhook receiver (http or https; loopback and private addresses allowed); other customers use `PUT /bankgate/v1/{customerId}/webhooks`.",
    ),
    secret: text(
      "BANKGATE_WEBHOOK_SECRET",
      "The HMAC secret the development customer's webhooks are signed with (at least 16 characters); required with `BANKGATE_WEBHOOK_URL`.",
    ),
    maxAttempts: integer(
      "BANKGATE_WEBHOOK_MAX_ATTEMPTS",
      10,
      "Delivery attempts per event before it is marked `failed` (Flinks: 10).",
      1,
      1000,
    ),
    retrySeconds: integer(
      "BANKGATE_WEBHOOK_RETRY_SECONDS",
      1_800,
      "Wait between two delivery attempts of an event (Flinks: 30 min, a fixed interval).",
      0,
    ),
    timeoutSeconds: integer("BANKGATE_WEBHOOK_TIMEOUT_SECONDS", 10, "A receiver that has not answered by then fails the attempt.", 1, 300),
  }),
  connect: Type.Object({
    redirectUrls: list(
      "BANKGATE_CONNECT_REDIRECT_URLS",
      "The development customer's allowed `redirectUrl`s, comma-separated; a widget `redirectUrl` must equal one character for character (absolute http(s), canonical form, no credentials or fragment); empty: none.",
      {
        defaultFrom: (env) => demoOrigins(env).map((origin) => `${origin}/demo`),
        defaultText: "`http://127.0.0.1:$PORT/demo,http://localhost:$PORT/demo` (the demo page)",
        check: everyEntry(redirectUrlProblem),
      },
    ),
    parentOrigins: list(
      "BANKGATE_CONNECT_PARENT_ORIGINS",
      "The development customer's origins that may frame the Connect widget (`frame-ancestors`) and receive its events; comma-separated, each exactly `scheme://host[:port]`; empty: nobody.",
      {
        defaultFrom: demoOrigins,
        defaultText: "`http://127.0.0.1:$PORT,http://localhost:$PORT` (the demo page)",
        check: everyEntry(originProblem),
      },
    ),
  }),
  retention: Type.Object({
    intervalSeconds: integer(
      "BANKGATE_RETENTION_INTERVAL_SECONDS",
      300,
      "How often the retention purge runs (one run at a time across processes; any process with a job runner takes it).",
      1,
      86_400,
    ),
    sessionsSeconds: integer(
      "BANKGATE_RETENTION_SESSIONS_SECONDS",
      3_600,
      "An expired session (RequestId) is deleted this long after it expired; until then it answers `SESSION_EXPIRED`, after it `SESSION_NONEXISTENT`.",
      0,
    ),
    tokensSeconds: integer(
      "BANKGATE_RETENTION_TOKENS_SECONDS",
      3_600,
      "An authorize token, used or not, is deleted this long after it expired.",
      0,
    ),
    jobsSeconds: integer(
      "BANKGATE_RETENTION_JOBS_SECONDS",
      604_800,
      "A finished (done or failed) job is deleted this long after it finished.",
      0,
    ),
    snapshotsSeconds: integer(
      "BANKGATE_RETENTION_SNAPSHOTS_SECONDS",
      3_600,
      "A card's superseded data snapshot is deleted this long after a newer one arrived, unless a session that has not expired still reads it; the card's current one always stays.",
      0,
    ),
    webhookLogSeconds: integer(
      "BANKGATE_RETENTION_WEBHOOK_LOG_SECONDS",
      2_592_000,
      "A delivered or failed webhook event and its delivery attempts are deleted this long after the event was created; pending events stay.",
      0,
    ),
    cardVaultSeconds: integer(
      "BANKGATE_RETENTION_CARD_VAULT_SECONDS",
      86_400,
      "What an institution gave a login that never became a card is deleted this long after it was written. At least `BANKGATE_SESSION_ABSOLUTE_TTL_SECONDS`.",
      0,
    ),
    batchRows: integer(
      "BANKGATE_RETENTION_BATCH_ROWS",
      200,
      "Rows one delete statement removes (snapshots, ~70 KB each: a twentieth of it): the purge works in small batches and lets requests through between them.",
      1,
      10_000,
    ),
  }),
  testing: Type.Object({
    faultPoint: text(
      "BANKGATE_FAULT_POINT",
      "**Test only**: the process kills itself (SIGKILL) when the flow reaches this step (`src/lib/fault-points.ts`); refused with `NODE_ENV=production`.",
      {
        check: (value: string | null, env) => {
          if (value === null) return null;
          if (env.NODE_ENV === "production") return "is a test-only setting, refused with NODE_ENV=production";
          return isFaultPoint(value) ? null : "names no fault point";
        },
      },
    ),
  }),
});

export type Config = Static<typeof ConfigSchema>;
