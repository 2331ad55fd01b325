/**
 * How Kysely ends a transaction on PostgreSQL: COMMIT or ROLLBACK alone (not `rollback to
 * savepoint`, which keeps it open). The client wrappers that follow a connection's
 * transaction by the statements it is sent share it (postgres-statement-names.ts,
 * postgres-held-statements.ts).
 */
export const TRANSACTION_END = /^\s*(commit|rollback)\s*;?\s*$/i;
