import { type Kysely, sql } from "kysely";
import type { Deps } from "../../src/deps.js";
import type { Database } from "../../src/storage/schema.js";
import { parseMasterKeys } from "../../src/vault/master-keys.js";
import { Vault } from "../../src/vault/vault.js";
import { findSecret } from "./find-secret.js";
import { TEST_MASTER_KEYS } from "./test-app.js";

/**
 * Every way bankgate binds a ciphertext to its row (the vault's AAD), by an id the same row
 * holds. A ciphertext no purpose opens makes the scan fail (see `unopened`): a new encrypted
 * column must be added here, or the scan would silently skip what it holds.
 */
const PURPOSES: ReadonlyArray<(id: string) => string> = [
  (id) => `session:${id}:credentials`,
  (id) => `session:${id}:connector-state`,
  (id) => `login:${id}:credentials`,
  (id) => `login:${id}:username`,
  (id) => `login:${id}:mfa-answers`,
  (id) => `card-vault:${id}`,
  (id) => `job:${id}:payload`,
  (id) => `webhook-event:${id}:body`,
  (id) => `customer:${id}:webhook-secret`,
];
const FIXED_PURPOSES = ["server:index-key"];

export interface StoreCell {
  table: string;
  column: string;
  text: string;
  /** The plaintext when the cell is a vault ciphertext this scan opened. */
  opened: string | null;
  /** The whole row, every value as text. */
  row: Readonly<Record<string, string>>;
}

export interface StoreScan {
  cells: StoreCell[];
  /** Ciphertexts no known purpose opened (`table.column`): should be none. */
  unopened: string[];
  /**
   * Where each secret is: `table.column: name in clear|inside a ciphertext (encoding …)`.
   * Empty when none is anywhere, in clear or sealed.
   */
  find(secrets: Readonly<Record<string, string>>): string[];
}

/**
 * Reads every row of every table of a test app's store (SQLite or PostgreSQL) and opens every
 * vault ciphertext with the test master key, so a secret is found whether it lies in clear or
 * sealed: after /DeleteCard a card's secrets must be in neither.
 */
export async function scanStore(deps: Deps): Promise<StoreScan> {
  // The store's Kysely handle is private to src/storage; a test reads the tables directly, as cards.test.ts does.
  const db = (deps.storage as unknown as { db: Kysely<Database> }).db;
  const vault = new Vault(parseMasterKeys(TEST_MASTER_KEYS));
  const cells: StoreCell[] = [];
  const unopened: string[] = [];
  for (const table of await db.introspection.getTables()) {
    const rows = (await sql<Record<string, unknown>>`select * from ${sql.table(table.name)}`.execute(db)).rows;
    for (const row of rows) {
      const texts = Object.entries(row).map(([column, value]) => [column, textOf(value)] as const);
      const whole = Object.fromEntries(texts);
      const ids = texts.map(([, text]) => text).filter((text) => text.length > 0 && text.length <= 200);
      for (const [column, text] of texts) {
        const opened = isCiphertext(text) ? open(vault, text, ids) : null;
        if (isCiphertext(text) && opened === null) unopened.push(`${table.name}.${column}`);
        cells.push({ table: table.name, column, text, opened, row: whole });
      }
    }
  }
  return {
    cells,
    unopened,
    find(secrets) {
      return cells.flatMap((cell) =>
        Object.entries(secrets).flatMap(([name, secret]) => [
          ...findSecret(Buffer.from(cell.text), secret).map((hit) => `${cell.table}.${cell.column}: ${name} in clear (${hit})`),
          ...(cell.opened === null
            ? []
            : findSecret(Buffer.from(cell.opened), secret).map(
                (hit) => `${cell.table}.${cell.column}: ${name} inside a ciphertext (${hit})`,
              )),
        ]),
      );
    },
  };
}

function textOf(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (Buffer.isBuffer(value)) return value.toString("latin1");
  if (value instanceof Date) return value.toISOString();
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

function isCiphertext(text: string): boolean {
  return /^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(text);
}

function open(vault: Vault, ciphertext: string, ids: readonly string[]): string | null {
  const purposes = [...FIXED_PURPOSES, ...ids.flatMap((id) => PURPOSES.map((purpose) => purpose(id)))];
  for (const aad of purposes) {
    try {
      return vault.decrypt(ciphertext, aad);
    } catch {
      // not this purpose
    }
  }
  return null;
}
