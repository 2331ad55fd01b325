import { randomInt } from "node:crypto";
import type { FastifyBaseLogger } from "fastify";
import type { ApiServices } from "./api/api-services.js";
import { widgetFilesLoader } from "./api/connect/widget-files.js";
import { buildDashboardServices, dashboardMode } from "./api/dashboard/dashboard-services.js";
import { BankgateMetrics } from "./api/observability/bankgate-metrics.js";
import { observeConnectors } from "./api/observability/observed-connectors.js";
import { CardDataService } from "./card-data/card-data-service.js";
import type { PrimaryLink } from "./cluster/primary-link.js";
import type { Config } from "./config/config.js";
import { type DevelopmentProfile, developmentProfile } from "./config/development-profile.js";
import { GuardedHttpClient } from "./connectors/http/guarded-http-client.js";
import type { HttpClient } from "./connectors/http/http-client.js";
import { createInstitutionCatalog, SIMULATOR_PATHS } from "./connectors/institution-catalog.js";
import type { ConnectorRegistry } from "./connectors/registry.js";
import type { ConnectorContext, InstitutionMemory } from "./connectors/types.js";
import { AuthorizeTokenIssuer } from "./customers/authorize-token-issuer.js";
import { CallerAuth } from "./customers/caller-auth.js";
import { CustomerDirectory } from "./customers/customer-directory.js";
import { CustomerSettings } from "./customers/customer-settings.js";
import { type DevelopmentCustomer, ensureDevelopmentCustomer } from "./customers/development-customer.js";
import { UsageReport } from "./customers/usage-report.js";
import { createAggregationHandler } from "./jobs/aggregation-job.js";
import { MasterKeyRotation } from "./jobs/master-key-rotation.js";
import { createMasterKeyRotationHandler } from "./jobs/master-key-rotation-job.js";
import { createNightlyRefreshHandler } from "./jobs/nightly-refresh-job.js";
import { RetentionPurge } from "./jobs/retention-purge.js";
import { createRetentionPurgeHandler } from "./jobs/retention-purge-job.js";
import { RetentionSchedule } from "./jobs/retention-schedule.js";
import { createWebhookDeliveryHandler } from "./jobs/webhook-delivery-job.js";
import { type Clock, systemClock } from "./lib/clock.js";
import { createFaultPoints } from "./lib/fault-points.js";
import { osProcessProbe, type ProcessProbe } from "./lib/process-probe.js";
import { SelfAddress } from "./lib/self-address.js";
import { VirtualClock } from "./lib/virtual-clock.js";
import { CardSecrets } from "./logins/card-secrets.js";
import { CardVaults } from "./logins/card-vaults.js";
import { loadIndexKey } from "./logins/index-key.js";
import { InstitutionMemories } from "./logins/institution-memories.js";
import { SandboxControls } from "./logins/sandbox-controls.js";
import { StoredMfaAnswers } from "./logins/stored-mfa-answers.js";
import { PLAIN_PAYLOAD_KINDS } from "./queue/job-kinds.js";
import { JobQueue } from "./queue/job-queue.js";
import { JobRunner } from "./queue/job-runner.js";
import { LeaseHolderRegistry } from "./queue/lease-holder-registry.js";
import { CardRefreshService } from "./refresh/card-refresh-service.js";
import { NightlyCron } from "./refresh/nightly-cron.js";
import { NightlyOutcomes } from "./refresh/record-refresh-outcome.js";
import { AttemptLimiter, defaultAttemptLimits } from "./security/attempt-limiter.js";
import { AuthorizeService } from "./sessions/authorize-service.js";
import type { FlowDeps } from "./sessions/flow-deps.js";
import { SessionInspector } from "./sessions/session-inspector.js";
import { TokenRenewal } from "./sessions/token-renewal.js";
import { createSetupToken } from "./sim/simplefin/setup-tokens.js";
import { SimRecords } from "./sim/simplefin/sim-records.js";
import type { SimpleFinSimStore } from "./sim/simplefin/sim-store.js";
import { KyselyMetricsReadings, type MetricsReadings } from "./storage/metrics-readings.js";
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
  /** This server's own address: the built-in simulators are reached there (set again once it listens). */
  selfAddress: SelfAddress;
  /** The SimpleFIN simulator's users and tokens, when the simulators are on: in the store, so restarts and other processes see them. */
  simpleFinSimStore: SimpleFinSimStore | null;
  storage: Storage;
  storeKind: StoreKind;
  /** What the HTTP routes call. */
  api: ApiServices;
  /** /metrics (null when BANKGATE_METRICS is off) and the store readings it and /health/ready take. */
  observability: { metrics: BankgateMetrics | null; readings: MetricsReadings };
  jobs: JobQueue;
  /** Started by main.ts for the "all" and "worker" roles; tests drive it directly. */
  runner: JobRunner;
  /** The webhook outbox: publish(event, tx) in the transaction of the change it reports. */
  webhooks: WebhookPublisher;
  /** The nightly refresh cron: started next to the runner when BANKGATE_NIGHTLY_REFRESH is on. */
  nightly: NightlyCron;
  /** Moves every stored secret to the newest master key (the "master-key-rotation" job runs it; `bankgate master-key rotate` too). */
  masterKeyRotation: MasterKeyRotation;
  /** Deletes what retention no longer keeps (the "retention-purge" job runs it). */
  retentionPurge: RetentionPurge;
  /** Enqueues the purge every BANKGATE_RETENTION_INTERVAL_SECONDS: started next to the runner. */
  retention: RetentionSchedule;
  /** This process as the holder of its leases and claims; `abandon()` when the shutdown grace runs out. */
  leaseHolders: LeaseHolderRegistry;
  /** The development customer, if any (its keys are printed only when this start generated them). */
  developmentCustomer: DevelopmentCustomer | null;
  warnings: string[];
  /** Stops taking background work (cron, job runner) and waits for the jobs in flight. */
  stopBackground(): Promise<void>;
  /** stopBackground, then closes the store: nothing may use the deps after it. */
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
  /** Where the job runner reports failures and the retention purge what it did (the app's logger once it exists). */
  log?: Pick<FastifyBaseLogger, "info" | "warn" | "error">;
  /** This process is one of BANKGATE_WORKERS: virtual time and metrics are shared through the primary. */
  primary?: PrimaryLink;
  /** How this process learns whether another one on its host still runs (default: the OS). */
  processProbe?: ProcessProbe;
}

const silentLog = { info: () => {}, warn: () => {}, error: () => {} };

/** The composition root: the only place that picks adapters. */
export async function createDeps(config: Config, overrides: DepsOverrides = {}): Promise<Deps> {
  const log = overrides.log ?? silentLog;
  const profile = developmentProfile(config, overrides.env ?? process.env);
  const baseClock = overrides.clock ?? systemClock;
  // With the control plane on, everything (RequestId and token expiries, the processing cap,
  // jobs' run_at, the sandbox bank's delays) follows virtual time; one clock per process.
  const sandboxClock = profile.sandboxControl ? new VirtualClock(baseClock) : null;
  const clock: Clock = sandboxClock ?? baseClock;
  const timeControl = sandboxClock && (overrides.primary ? await overrides.primary.shareVirtualTime(sandboxClock) : sandboxClock);
  const { db, kind } = await openDatabase(config.store);
  const storage = new KyselyStorage(db);
  const masterKeys = loadMasterKeys({ ...config.store, masterKeys: config.keys.masterKeys, generate: profile.generateKeys });
  const vault = new Vault(masterKeys.keys);
  const indexKey = await loadIndexKey(storage, vault);
  // Registered (and dead predecessors' leases released) before anything takes a lease.
  const leaseHolders = new LeaseHolderRegistry({
    storage,
    // Real time even in tests: a test moving its clock by a day must not make another process look dead.
    clock: systemClock,
    probe: overrides.processProbe ?? osProcessProbe,
    lapseSeconds: config.jobs.leaseHolderLapseSeconds,
    log,
  });
  await leaseHolders.start();
  const selfAddress = new SelfAddress(config.server);
  const catalog = await createInstitutionCatalog(config, { simulators: profile.simulators, selfAddress });
  const readings = new KyselyMetricsReadings(db);
  const metrics = config.server.metrics ? new BankgateMetrics(readings, clock, overrides.primary) : null;
  const institutions = overrides.connectors ?? catalog.registry;
  // With metrics on, every connector call is counted (api/observability/observed-connectors.ts).
  const connectors = metrics ? observeConnectors(institutions, metrics) : institutions;
  const developmentCustomer = await ensureDevelopmentCustomer(config, profile, storage.customers, clock);
  const secrets = new CardSecrets(vault, indexKey);
  const storedAnswers = new StoredMfaAnswers(vault, storage);
  const memories = new InstitutionMemories(storage.institutionMemory, clock, indexKey);
  const cardVaults = new CardVaults(storage.cardVault, vault, clock);
  const simpleFinSimStore = profile.simulators ? simStoreOver(memories.of("", "simplefin-simulator")) : null;
  const addressPolicy = { allowHttp: config.connectors.allowHttp, allowPrivateAddresses: config.connectors.allowPrivateNetwork };
  const http = overrides.http ?? new GuardedHttpClient(addressPolicy);
  // The simulator institutions may reach this server's own origin, and nothing more than any other.
  const httpFor = (institution: string): HttpClient =>
    catalog.reachesSelf(institution) ? new GuardedHttpClient({ ...addressPolicy, trustedOrigins: [selfAddress.origin()] }) : http;
  const drawInt = overrides.randomInt ?? ((max: number) => randomInt(max));
  const connectorContext = (customerId: string, institution: string, cardLookupHash: string, attended: boolean): ConnectorContext => ({
    clock,
    randomInt: drawInt,
    memory: memories.of(customerId, institution),
    http: httpFor(institution),
    vault: cardVaults.of(customerId, cardLookupHash),
    attended,
  });
  const faults = createFaultPoints(config.testing.faultPoint);
  const jobs = new JobQueue(storage, vault, clock, {
    claimSeconds: config.jobs.claimSeconds,
    retryBaseSeconds: config.jobs.retryBaseSeconds,
    defaultMaxAttempts: config.jobs.maxAttempts,
    fixedRetrySeconds: { "webhook-delivery": config.webhooks.retrySeconds },
    holderId: leaseHolders.id,
    plainPayloadKinds: PLAIN_PAYLOAD_KINDS,
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
      leaseHolderId: leaseHolders.id,
    },
  };
  const authorize = new AuthorizeService(flow);
  const customers = new CustomerDirectory(storage.customers, clock);
  const callerAuth = new CallerAuth(customers, storage.authorizeTokens, clock);
  const api: ApiServices = {
    callerAuth,
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
    sandbox: timeControl && {
      clock: timeControl,
      controls: new SandboxControls({ logins: storage.logins, secrets, memories }),
      simpleFinSetupToken:
        simpleFinSimStore &&
        ((scenario) =>
          createSetupToken(new SimRecords(simpleFinSimStore), {
            baseUrl: `${selfAddress.origin()}${SIMULATOR_PATHS.simplefin}`,
            now: clock.now(),
            scenario,
          })),
    },
    dashboard: buildDashboardServices({
      mode: dashboardMode(config.development.dashboard, profile.notDevelopmentBecause.length === 0),
      storage,
      callerAuth,
      realClock: baseClock,
      clock,
      secrets,
      storedAnswers,
      files: widgetFilesLoader(config.server.dashboardDir),
      nightly: config.nightly,
    }),
    demoCustomerId: profile.demo ? (developmentCustomer?.keys.customerId ?? null) : null,
    development: profile.notDevelopmentBecause.length === 0 ? { customerId: developmentCustomer?.keys.customerId ?? null } : null,
  };

  const retentionPurge = new RetentionPurge({ storage, clock, settings: config.retention });
  const masterKeyRotation = new MasterKeyRotation({ storage, vault });
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
      "retention-purge": createRetentionPurgeHandler(retentionPurge, log),
      "master-key-rotation": createMasterKeyRotationHandler(masterKeyRotation, log),
    },
    { concurrency: config.jobs.concurrency, pollIntervalMs: config.jobs.pollIntervalMs },
    log,
  );

  const nightly = new NightlyCron({ storage, jobs, clock, runAt: config.nightly.at, log });
  const retention = new RetentionSchedule({ jobs, clock, intervalSeconds: config.retention.intervalSeconds, log });

  const stopBackground = async () => {
    await retention.stop();
    await nightly.stop();
    await runner.stop();
  };
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
    selfAddress,
    simpleFinSimStore,
    storage,
    storeKind: kind,
    api,
    observability: { metrics, readings },
    jobs,
    runner,
    webhooks,
    nightly,
    leaseHolders,
    retentionPurge,
    retention,
    masterKeyRotation,
    developmentCustomer,
    warnings,
    stopBackground,
    async close() {
      await stopBackground();
      await leaseHolders.stop();
      await storage.close();
    },
  };
}

/** The institution memory as the SimpleFIN simulator's store (absent keys are undefined there). */
function simStoreOver(memory: InstitutionMemory): SimpleFinSimStore {
  return { read: async (key) => (await memory.read(key)) ?? undefined, write: (key, value) => memory.write(key, value) };
}
