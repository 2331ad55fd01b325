// PostgreSQL for the benches that measure both stores (bench/mfa-step.js, bench/refresh.js):
// DATABASE_URL when set, else a throwaway server like the tests' (test/helpers/ephemeral-postgres.ts,
// transpiled on the fly; fsync off, so its figures leave the disk out), and a fresh database per
// measurement.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import pg from "pg";
import ts from "typescript";
import { ROOT } from "./harness.js";

/** { url, stop() }: the server to create bench databases on. */
export async function ephemeralPostgres() {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, stop: async () => {} };
  const out = join(ROOT, "node_modules", ".cache", "bankgate-bench");
  mkdirSync(out, { recursive: true });
  for (const name of ["ephemeral-postgres", "free-port"]) {
    const source = readFileSync(join(ROOT, "test", "helpers", `${name}.ts`), "utf8");
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    });
    writeFileSync(join(out, `${name}.js`), outputText);
  }
  const { startEphemeralPostgres } = await import(pathToFileURL(join(out, "ephemeral-postgres.js")).href);
  return startEphemeralPostgres();
}

/** A fresh database on the server: { url, drop() }. */
export async function freshDatabase(serverUrl, name) {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const again = new pg.Client({ connectionString: serverUrl });
      await again.connect();
      await again.query(`drop database if exists ${name} with (force)`);
      await again.end();
    },
  };
}
