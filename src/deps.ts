import { randomBytes, randomInt } from "node:crypto";
import type { FastifyBaseLogger } from "fastify";
import type { ApiServices } from "./api/api-services.js";
import { widgetFilesLoader } from "./api/connect/widget-files.js";
import { CardDataService } from "./card-data/card-data-service.js";
import type { Config } from "./config/config.js";
import { type DevelopmentProfile, developmentProfile } from "./config/development-profile.js";
import { GuardedHttpClient } from "./connectors/http/guarded-http-client.js";
import type { HttpClient } from "./connectors/http/http-client.js";
import type { ConnectorRegistry } from "./connectors/registry.js";
import { createSandboxRegistry } from "./connectors/sandbox/sandbox-banks.js";
import type { ConnectorContext } from "./connectors/types.js";
import { AuthorizeTokenIssuer } from "./customers/authorize-token-issuer.js";
import { CallerAuth } from "./customers/caller-auth.js";
import { CustomerDirectory } from "./customers/customer-directory.js";
import { CustomerSettings } from "./customers/customer-settings.js";
import { type DevelopmentCustomer, ensureDevelopmentCustomer } from "./customers/development-customer.js";
import { UsageReport } from "./customers/usage-report.js";
import { createAggregationHandler } from "./jobs/aggregation-job.js";
import { createNightlyRefreshHandler } from "./jobs/nightly-refresh-job.js";
import { createWebhookDeliveryHandler } from "./jobs/webhook-delivery-job.js";
import { type Clock, systemClock } from "./lib/clock.js";
import { createFaultPoints } from "./lib/fault-points.js";
import { VirtualClock } from "./lib/virtual-clock.js";
import { CardSecrets } from "./logins/card-secrets.js";
import { CardVaults } from "./logins/card-vaults.js";
import { InstitutionMemories } from "./logins/institution-memories.js";
import { SandboxControls } from "./logins/sandbox-controls.js";
import { StoredMfaAnswers } from "./logins/stored-mfa-answers.js";
import { JobQueue } from "./queue/job-queue.js";
import { JobRunner } from "./queue/job-runner.js";
import { CardRefreshService } from "./refresh/card-refresh-service.js";
import { NightlyCron } from "./refresh/nightly-cron.js";
import { NightlyOutcomes } from "./refresh/record-refresh-outcome.js";
import { AttemptLimiter, defaultAttemptLimits } from "./security/attempt-limiter.js";
import { AuthorizeService } from "./sessions/authorize-service.js";
import type { FlowDeps } from "./sessions/flow-deps.js";
import { SessionInspector } from "./sessions/session-inspector.js";
import { TokenRenewal } from "./sessions/token-renewal.js";
import { openDatabase, type StoreKind } from "./storage/open-database.js";
import { KyselyStorage, type Storage } from "./storage/storage.js";
import { loadMasterKeys } from "./vault/master-keys.js";
import { Vault } from "./vault/vault.js";
import { WebhookLog } from "./webhooks/webhook-log.js";
import { WebhookPublisher } from "./webhooks/webhook-publisher.js";
import { WebhookSettings } from "./webhooks/webhook-settings.js";

export interface Deps {
  config: Config;
  /** The clock every expiry reads: the virtual clock when the sandbox control plane is on. */
  clock: Clock;
  /** The same clock as `clock` when the sandbox control plane is on (it moves it), else null. */
  sandboxClock: VirtualClock | null;
  /** Which development conveniences are on, and why the deployment is (not) a development one. */
  profile: DevelopmentProfile;
  storage: Storage;
  storeKind: StoreKind;
  /** What the HTTP routes call. */
  api: ApiServices;
  jobs: JobQueue;
  /** Started by main.ts for the "all" and "worker" roles; tests drive it directly. */
  runner: JobRunner;
  /** The webhook outbox: publish(event, tx) in the transaction of the change it reports. */
  webhooks: WebhookPublisher;
  /** The nightly refresh cron: started next to the runner when BANKGATE_NIGHTLY_REFRESH is on. */
  nightly: NightlyCron;
  /** The development customer, if any (its keys are printed only when this start generated them). */
  developmentCustomer: DevelopmentCustomer | null;
  warnings: string[];
  close(): Promise<void>;
}

export interface DepsOverrides {
  clock?: Clock;
  randomInt?: (max: number) => number;
  connectors?: ConnectorRegistry;
  /** The connectors' way out to the network (default: the address-checked GuardedHttpClient). */
  http?: HttpClient;
  /** The environment the development profile reads NODE_ENV from (default: process.env). */
  env?: Record<string, string | undefined>;
  /** Where the job runner reports failures (the app's logger once it exists). */
  log?: Pick<FastifyBaseLogger, "warn" | "error">;
}

const silentLog = { warn: () => {}, error: () => {} };

/** The composition root: the only place that picks adapters. */
export async function createDeps(config: Config, overrides: DepsOverrides = {}): Promise<Deps> {
  const log = overrides.log ?? silentLog;
  const profile = developmentProfile(config, overrides.env ?? process.env);
  const baseClock = overrides.clock ?? systemClock;
  // With the control plane on, everything (RequestId and token expiries, the processing cap,
  // jobs' run_at, the sandbox bank's delays) follows virtual time; one clock per process.
  const sandboxClock = profile.sandboxControl ? new VirtualClock(baseClock) : null;
  const clock: Clock = sandboxClock ?? baseClock;
  const { db, kind } = await openDatabase(config.store);
  const storage = new KyselyStorage(db);
  const masterKeys = loadMasterKeys({ ...config.store, masterKeys: config.keys.masterKeys, generate: profile.generateKeys });
  const vault = new Vault(masterKeys.keys);
  const indexKey = await loadIndexKey(storage, vault);
  const connectors =
    overrides.connectors ??
    createSandboxRegistry({
      pendingSeconds: config.sandbox.pendingSeconds,
      dispatchedSeconds: config.sandbox.dispatchedSeconds,
      slowSeconds: config.sandbox.slowSeconds,
    });
  const developmentCustomer = await ensureDevelopmentCustomer(config, profile, storage.customers, clock);
  const secrets = new CardSecrets(vault, indexKey);
  const storedAnswers = new StoredMfaAnswers(vault, storage);
  const memories = new InstitutionMemories(storage.institutionMemory, clock, indexKey);
  const cardVaults = new CardVaults(storage.cardVault, vault, clock);
  const http =
    overrides.http ??
    new GuardedHttpClient({ allowHttp: config.connectors.allowHttp, allowPrivateAddresses: config.connectors.allowPrivateNetwork });
  const drawInt = overrides.randomInt ?? ((max: number) => randomInt(max));
  const connectorContext = (customerId: string, institution: string, cardLookupHash: string): ConnectorContext => ({
    clock,
    randomInt: drawInt,
    memory: memories.of(customerId, institution),
    http,
    vault: cardVaults.of(customerId, cardLookupHash),
  });
  const faults = createFaultPoints(config.testing.faultPoint);
  const jobs = new JobQueue(storage, vault, clock, {
    claimSeconds: config.jobs.claimSeconds,
    retryBaseSeconds: config.jobs.retryBaseSeconds,
    defaultMaxAttempts: config.jobs.maxAttempts,
    fixedRetrySeconds: { "webhook-delivery": config.webhooks.retrySeconds },
  });
  const webhooks = new WebhookPublisher({ storage, vault, jobs, clock, maxAttempts: config.webhooks.maxAttempts });
  const nightlyOutcomes = new NightlyOutcomes({ webhooks, secrets });
  const webhookSettings = new WebhookSettings(storage, vault, clock);
  if (config.webhooks.url && developmentCustomer) {
    await webhookSettings.configure(developmentCustomer.keys.customerId, config.webhooks.url, config.webhooks.secret);
  }
  const attempts = new AttemptLimiter({
    store: storage.attempts,
    clock,
    limits: {
      ...defaultAttemptLimits,
      maxFailuresPerWindow: config.sessions.attemptFailuresPerWindow,
      windowSeconds: config.sessions.attemptWindowSeconds,
      lockSeconds: config.sessions.attemptLockSeconds,
      maxLockSeconds: Math.max(defaultAttemptLimits.maxLockSeconds, config.sessions.attemptLockSeconds),
      reservationTtlSeconds: config.connectors.timeoutSeconds + 60,
    },
  });
  const flow: FlowDeps = {
    storage,
    secrets,
    connectors,
    clock,
    jobs,
    attempts,
    indexKey,
    connectorContext,
    faults,
    storedAnswers,
    settings: {
      idleTtlSeconds: config.sessions.idleTtlSeconds,
      absoluteTtlSeconds: config.sessions.absoluteTtlSeconds,
      mfaAttemptsPerRequest: config.sessions.mfaAttemptsPerRequest,
      connectorTimeoutSeconds: config.connectors.timeoutSeconds,
      jobClaimSeconds: config.jobs.claimSeconds,
    },
  };
  const authorize = new AuthorizeService(flow);
  const customers = new CustomerDirectory(storage.customers, clock);
  const api: ApiServices = {
    callerAuth: new CallerAuth(customers, storage.authorizeTokens, clock),
    customers,
    customerSettings: new CustomerSettings(storage.customers),
    tokenIssuer: new AuthorizeTokenIssuer(storage.authorizeTokens, clock, config.sessions.authorizeTokenTtlSeconds),
    tokenRenewal: new TokenRenewal({ tokens: storage.authorizeTokens, sessions: storage.sessions, clock }),
    authorize,
    sessionInspector: new SessionInspector({ sessions: storage.sessions, jobs, clock }),
    cardData: new CardDataService({
      storage,
      connectors,
      secrets,
      clock,
      sessionIdleTtlSeconds: config.sessions.idleTtlSeconds,
      sessionTouchIntervalSeconds: config.sessions.touchIntervalSeconds,
      jobs,
      attempts,
      pollIntervalMs: config.jobs.pollIntervalMs,
      dataSyncWaitSeconds: config.sessions.dataSyncWaitSeconds,
    }),
    cardRefresh: new CardRefreshService(storage, storedAnswers, clock, connectors),
    connectors,
    usage: new UsageReport({ usage: storage.usage, clock }),
    webhookSettings,
    webhookLog: new WebhookLog({ storage, publisher: webhooks }),
    widget: widgetFilesLoader(config.server.widgetDir),
    sandbox: sandboxClock && { clock: sandboxClock, controls: new SandboxControls({ logins: storage.logins, secrets, memories }) },
    demoCustomerId: profile.demo ? (developmentCustomer?.keys.customerId ?? null) : null,
    development: profile.notDevelopmentBecause.length === 0 ? { customerId: developmentCustomer?.keys.customerId ?? null } : null,
  };

  const runner = new JobRunner(
    jobs,
    {
      "authorize-step": (job) => authorize.runQueuedStep(job.payload),
      aggregate: createAggregationHandler({
        storage,
        secrets,
        connectors,
        clock,
        indexKey,
        idleTtlSeconds: config.sessions.idleTtlSeconds,
        connectorTimeoutSeconds: config.connectors.timeoutSeconds,
        connectorContext,
        faults,
        webhooks,
        nightlyOutcomes,
      }),
      "webhook-delivery": createWebhookDeliveryHandler({
        storage,
        vault,
        clock,
        requestTimeoutSeconds: config.webhooks.timeoutSeconds,
        faults,
      }),
      "nightly-refresh": createNightlyRefreshHandler({ storage, authorize, storedAnswers, outcomes: nightlyOutcomes, clock }),
    },
    { concurrency: config.jobs.concurrency, pollIntervalMs: config.jobs.pollIntervalMs },
    log,
  );

  const nightly = new NightlyCron({ storage, jobs, clock, runAt: config.nightly.at, log });

  const warnings = [
    ...(masterKeys.isDevelopmentKey
      ? ["DEVELOPMENT MASTER KEY in the data directory: set BANKGATE_MASTER_KEYS for real credentials."]
      : []),
    ...(config.webhooks.url && !developmentCustomer
      ? ["BANKGATE_WEBHOOK_URL is ignored: there is no development customer (set BANKGATE_CUSTOMER_ID and its keys)."]
      : []),
  ];
  return {
    config,
    clock,
    sandboxClock,
    profile,
    storage,
    storeKind: kind,
    api,
    jobs,
    runner,
    webhooks,
    nightly,
    developmentCustomer,
    warnings,
    async close() {
      await nightly.stop();
      await runner.stop();
      await storage.close();
    },
  };
}

/**
 * The key behind LoginId lookups and AccountId/TransactionId derivation. It must never
 * change (ids are derived from it), so it is generated once per deployment and stored
 * wrapped by the master key; rotating the master key re-wraps it, nothing more.
 */
async function loadIndexKey(storage: Storage, vault: Vault): Promise<Buffer> {
  const candidate = vault.encrypt(randomBytes(32).toString("base64"), "server:index-key");
  const stored = await storage.settings.getOrInit("index_key", candidate);
  return Buffer.from(vault.decrypt(stored, "server:index-key"), "base64");
}
