import type { Kysely } from "kysely";
import { AttemptStore } from "./attempt-store.js";
import { AuthorizeTokenStore } from "./authorize-token-store.js";
import { CardVaultStore } from "./card-vault-store.js";
import { CustomerStore } from "./customer-store.js";
import { InstitutionMemoryStore } from "./institution-memory-store.js";
import { JobStore } from "./job-store.js";
import { LoginStore } from "./login-store.js";
import type { Database } from "./schema.js";
import { ServerSettingStore } from "./server-setting-store.js";
import { SessionStore } from "./session-store.js";
import { UsageStore } from "./usage-store.js";
import { WebhookStore } from "./webhook-store.js";

/** The stores over one connection or one transaction. */
export class Storage {
  readonly sessions: SessionStore;
  readonly logins: LoginStore;
  readonly customers: CustomerStore;
  readonly authorizeTokens: AuthorizeTokenStore;
  readonly settings: ServerSettingStore;
  readonly attempts: AttemptStore;
  readonly jobs: JobStore;
  readonly institutionMemory: InstitutionMemoryStore;
  readonly cardVault: CardVaultStore;
  readonly webhooks: WebhookStore;
  readonly usage: UsageStore;

  constructor(
    private readonly db: Kysely<Database>,
    options: { inTransaction: boolean } = { inTransaction: false },
  ) {
    this.sessions = new SessionStore(db, { groupInserts: !options.inTransaction });
    this.logins = new LoginStore(db);
    this.customers = new CustomerStore(db);
    this.authorizeTokens = new AuthorizeTokenStore(db);
    this.settings = new ServerSettingStore(db);
    this.attempts = new AttemptStore(db);
    this.jobs = new JobStore(db);
    this.institutionMemory = new InstitutionMemoryStore(db);
    this.cardVault = new CardVaultStore(db);
    this.webhooks = new WebhookStore(db);
    this.usage = new UsageStore(db);
  }

  /** Runs `work` in one transaction: all of its writes commit together or none do. */
  transaction<T>(work: (tx: Storage) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((trx) => work(new Storage(trx, { inTransaction: true })));
  }

  close(): Promise<void> {
    return this.db.destroy();
  }
}
