import { type Kysely, sql } from "kysely";
import type { Database } from "./schema.js";

/**
 * Every column that holds vault ciphertexts ("v1.<keyId>.…"), with the key of its row. The
 * domain binds each value to its row by an AAD made from that key (master-key rotation
 * rebuilds it: src/jobs/sealed-columns.ts).
 */
export const SEALED_COLUMNS = {
  "logins.username_enc": { table: "logins", key: "id", value: "username_enc" },
  "logins.credentials_enc": { table: "logins", key: "id", value: "credentials_enc" },
  "logins.mfa_answers_enc": { table: "logins", key: "id", value: "mfa_answers_enc" },
  "sessions.credentials_enc": { table: "sessions", key: "request_id", value: "credentials_enc" },
  "sessions.connector_state_enc": { table: "sessions", key: "request_id", value: "connector_state_enc" },
  "card_vault.value_enc": { table: "card_vault", key: "lookup_hash", value: "value_enc" },
  "webhook_endpoints.secret_enc": { table: "webhook_endpoints", key: "customer_id", value: "secret_enc" },
  "webhook_events.body_enc": { table: "webhook_events", key: "id", value: "body_enc" },
  "jobs.payload_enc": { table: "jobs", key: "id", value: "payload_enc" },
  "server_settings.value": { table: "server_settings", key: "name", value: "value" },
} as const satisfies Record<string, { table: keyof Database; key: string; value: string }>;

export type SealedColumn = keyof typeof SEALED_COLUMNS;

export interface SealedValue {
  /** The row's key (id, request_id, lookup_hash, customer_id or setting name). */
  key: string;
  ciphertext: string;
}

/** Vault ciphertexts wherever they are stored, for master-key rotation (docs/decisions.md, "Master-key rotation"). */
export interface SealedValueStore {
  /**
   * Up to `limit` ciphertexts of the column not wrapped by master key `keyId`, in key order
   * after `afterKey` ("" for the start). Values that are not vault ciphertexts (null, an emptied
   * job payload, a plain setting) are never listed.
   */
  listNotWrappedBy(column: SealedColumn, keyId: string, afterKey: string, limit: number): Promise<SealedValue[]>;
  /** How many ciphertexts of the column are not wrapped by `keyId`. */
  countNotWrappedBy(column: SealedColumn, keyId: string): Promise<number>;
  /**
   * Compare-and-swap: writes `next` only if the row still holds `expected`, so a value changed
   * meanwhile (written anew under the active key) is never overwritten with an older one.
   */
  replace(column: SealedColumn, key: string, expected: string, next: string): Promise<boolean>;
}

const FORMAT_PREFIX = "v1.";

/** SealedValueStore over Kysely, one implementation for SQLite and PostgreSQL. */
export class KyselySealedValueStore implements SealedValueStore {
  constructor(private readonly db: Kysely<Database>) {}

  async listNotWrappedBy(column: SealedColumn, keyId: string, afterKey: string, limit: number): Promise<SealedValue[]> {
    const { table, key, value } = SEALED_COLUMNS[column];
    const { rows } = await sql<{ k: string; v: string }>`
      select ${sql.ref(key)} as k, ${sql.ref(value)} as v from ${sql.table(table)}
      where ${notWrappedBy(value, keyId)} and ${sql.ref(key)} > ${afterKey}
      order by ${sql.ref(key)} limit ${sql.lit(Math.max(1, Math.floor(limit)))}`.execute(this.db);
    return rows.map((row) => ({ key: row.k, ciphertext: row.v }));
  }

  async countNotWrappedBy(column: SealedColumn, keyId: string): Promise<number> {
    const { table, value } = SEALED_COLUMNS[column];
    const { rows } = await sql<{ n: number | string }>`
      select count(*) as n from ${sql.table(table)} where ${notWrappedBy(value, keyId)}`.execute(this.db);
    return Number(rows[0]?.n ?? 0);
  }

  async replace(column: SealedColumn, key: string, expected: string, next: string): Promise<boolean> {
    const spec = SEALED_COLUMNS[column];
    const result = await sql`
      update ${sql.table(spec.table)} set ${sql.ref(spec.value)} = ${next}
      where ${sql.ref(spec.key)} = ${key} and ${sql.ref(spec.value)} = ${expected}`.execute(this.db);
    return result.numAffectedRows === 1n;
  }
}

/** A vault ciphertext ("v1.…") whose key id is not `keyId`. */
function notWrappedBy(column: string, keyId: string) {
  const prefix = `${FORMAT_PREFIX}${keyId}.`;
  return sql`substr(${sql.ref(column)}, 1, ${sql.lit(FORMAT_PREFIX.length)}) = ${FORMAT_PREFIX}
    and substr(${sql.ref(column)}, 1, ${sql.lit(prefix.length)}) <> ${prefix}`;
}
