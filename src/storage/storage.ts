import { type Kysely, sql } from "kysely";
import { type AttemptStore, KyselyAttemptStore } from "./attempt-store.js";
import { type AuthorizeTokenStore, KyselyAuthorizeTokenStore } from "./authorize-token-store.js";
import { type CardVaultStore, KyselyCardVaultStore } from "./card-vault-store.js";
import { type CustomerStore, KyselyCustomerStore } from "./customer-store.js";
import { type DashboardStore, KyselyDashboardStore } from "./dashboard-store.js";
import { isSqlite } from "./dialect.js";
import { type InstitutionMemoryStore, KyselyInstitutionMemoryStore } from "./institution-memory-store.js";
import { type JobStore, KyselyJobStore } from "./job-store.js";
import { KyselyLeaseHolderStore, type LeaseHolderStore } from "./lease-holder-store.js";
import { KyselyLoginStore, type LoginStore } from "./login-store.js";
import type { Database } from "./schema.js";
import { KyselySealedValueStore, type SealedValueStore } from "./sealed-value-store.js";
import { KyselyServerSettingStore, type ServerSettingStore } from "./server-setting-store.js";
import { KyselySessionStore, type SessionStore } from "./session-store.js";
import { KyselySnapshotStore, type SnapshotStore } from "./snapshot-store.js";
import { KyselyStorageSpace, type StorageSpace } from "./storage-space.js";
import { KyselyUsageStore, type UsageStore } from "./usage-store.js";
import { KyselyWebhookStore, type WebhookStore } from "./webhook-store.js";

/**
 * The store as the domain sees it: one port per concern (each file's interface states its
 * guarantees), over one connection or one transaction. Domain code depends on these
 * interfaces only; the composition root picks the implementation.
 */
export interface Storage {
  readonly sessions: SessionStore;
  readonly logins: LoginStore;
  /** The cards' data snapshots. */
  readonly snapshots: SnapshotStore;
  readonly customers: CustomerStore;
  readonly authorizeTokens: AuthorizeTokenStore;
  readonly settings: ServerSettingStore;
  readonly attempts: AttemptStore;
  readonly jobs: JobStore;
  readonly institutionMemory: InstitutionMemoryStore;
  readonly cardVault: CardVaultStore;
  readonly webhooks: WebhookStore;
  readonly usage: UsageStore;
  readonly leaseHolders: LeaseHolderStore;
  /** The dashboard's sign-in sessions and the sessions' timelines. */
  readonly dashboard: DashboardStore;
  /** Disk space after deletes: SQLite's free pages handed back to the file system. */
  readonly space: StorageSpace;
  /** Vault ciphertexts in every table, for master-key rotation. */
  readonly sealedValues: SealedValueStore;
  /** Runs `work` in one transaction: all of its writes commit together or none do. */
  transaction<T>(work: (tx: Storage) => Promise<T>): Promise<T>;
  /**
   * After a deletion (outside any transaction): leaves no page image of deleted rows in the
   * store's files where the store can promise it. SQLite zeroes deleted content in place
   * (secure_delete, open-database.ts); this checkpoints the WAL into the main file and
   * truncates it, so no older copy of a page survives there either. PostgreSQL: nothing
   * (autovacuum reclaims dead rows' space; their bytes are not promised gone at once).
   */
  scrub(): Promise<void>;
  close(): Promise<void>;
}

/** Storage over Kysely: SQLite (better-sqlite3) and PostgreSQL (pg) run the same queries. */
export class KyselyStorage implements Storage {
  readonly sessions: SessionStore;
  readonly logins: LoginStore;
  readonly snapshots: SnapshotStore;
  readonly customers: CustomerStore;
  readonly authorizeTokens: AuthorizeTokenStore;
  readonly settings: ServerSettingStore;
  readonly attempts: AttemptStore;
  readonly jobs: JobStore;
  readonly institutionMemory: InstitutionMemoryStore;
  readonly cardVault: CardVaultStore;
  readonly webhooks: WebhookStore;
  readonly usage: UsageStore;
  readonly leaseHolders: LeaseHolderStore;
  readonly dashboard: DashboardStore;
  readonly space: StorageSpace;
  readonly sealedValues: SealedValueStore;

  constructor(
    private readonly db: Kysely<Database>,
    options: { inTransaction: boolean } = { inTransaction: false },
  ) {
    this.sessions = new KyselySessionStore(db, options);
    this.logins = new KyselyLoginStore(db);
    this.snapshots = new KyselySnapshotStore(db);
    this.customers = new KyselyCustomerStore(db);
    this.authorizeTokens = new KyselyAuthorizeTokenStore(db, { groupWrites: !options.inTransaction });
    this.settings = new KyselyServerSettingStore(db);
    this.attempts = new KyselyAttemptStore(db);
    this.jobs = new KyselyJobStore(db, { groupCompletes: !options.inTransaction });
    this.institutionMemory = new KyselyInstitutionMemoryStore(db);
    this.cardVault = new KyselyCardVaultStore(db);
    this.webhooks = new KyselyWebhookStore(db);
    this.usage = new KyselyUsageStore(db);
    this.leaseHolders = new KyselyLeaseHolderStore(db);
    this.dashboard = new KyselyDashboardStore(db);
    this.space = new KyselyStorageSpace(db);
    this.sealedValues = new KyselySealedValueStore(db);
  }

  transaction<T>(work: (tx: Storage) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((trx) => work(new KyselyStorage(trx, { inTransaction: true })));
  }

  async scrub(): Promise<void> {
    if (isSqlite(this.db)) await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(this.db);
  }

  close(): Promise<void> {
    return this.db.destroy();
  }
}
