// A statement trace of the server, loaded into it with `node --import ./bench/statement-trace.js`
// (bench/mfa-step.js: MFA_NODE_ARGS="--import ./bench/statement-trace.js"). Counts every SQLite
// statement better-sqlite3 runs (and every PostgreSQL query of `pg`), its time, and COMMITs, per HTTP request; a request is named by
// its `x-bench-step` header (bench/mfa-step.js sends one) or its method and path. Statements run
// while no request is in flight are counted as "background" (the job runner). Meant for requests
// one at a time (MFA_CONCURRENCY=1): with several in flight a statement is charged to the last
// one started. On exit it writes the totals as JSON to STATEMENT_TRACE_OUT (default
// /tmp/statement-trace.json). Not part of the product; nothing in src/ knows of it.
import { subscribe } from "node:diagnostics_channel";
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { performance } from "node:perf_hooks";

// better-sqlite3 as the server resolves it (an old build's worktree has its own node_modules).
const require = createRequire(process.argv[1]);
const Database = require("better-sqlite3");
const OUT = process.env.STATEMENT_TRACE_OUT || "/tmp/statement-trace.json";

/** label → { requests, statements, commits, ms, cpuMs (per request), bySql: { sql → { calls, ms, durations (ms, in order) } } } */
const totals = {};
const inFlight = new Map();
let current = null;

function entry(label) {
  totals[label] ??= { requests: 0, statements: 0, commits: 0, ms: 0, bySql: {} };
  return totals[label];
}

function record(sql, ms) {
  const target = current ?? { label: "background", statements: [] };
  target.statements.push([sql, ms]);
  if (!current) charge(target);
}

function charge(trace) {
  const total = entry(trace.label);
  if (trace.label !== "background") total.requests++;
  for (const [sql, ms] of trace.statements) {
    const key = sql.replace(/\s+/g, " ").slice(0, 160);
    total.statements++;
    total.ms += ms;
    if (/^\s*commit/i.test(sql)) total.commits++;
    total.bySql[key] ??= { calls: 0, ms: 0, durations: [] };
    total.bySql[key].calls++;
    total.bySql[key].ms += ms;
    total.bySql[key].durations.push(Math.round(ms * 1000) / 1000);
  }
}

function timed(statement, method, sql) {
  const original = statement[method];
  statement[method] = function (...args) {
    const started = performance.now();
    try {
      return original.apply(this, args);
    } finally {
      record(sql, performance.now() - started);
    }
  };
}

const prepare = Database.prototype.prepare;
Database.prototype.prepare = function (sql) {
  const statement = prepare.call(this, sql);
  for (const method of ["run", "get", "all", "iterate"]) timed(statement, method, sql);
  return statement;
};
const exec = Database.prototype.exec;
Database.prototype.exec = function (sql) {
  const started = performance.now();
  try {
    return exec.call(this, sql);
  } finally {
    record(sql, performance.now() - started);
  }
};

// PostgreSQL: each query is a round trip, timed from send to answer (waits for locks included).
const pg = require("pg");
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (config, values, callback) {
  const sql = typeof config === "string" ? config : (config?.text ?? "");
  const started = performance.now();
  const result = query.call(this, config, values, callback);
  if (result && typeof result.then === "function")
    result.then(
      () => record(sql, performance.now() - started),
      () => {},
    );
  return result;
};

subscribe("http.server.request.start", ({ request }) => {
  const label = request.headers["x-bench-step"] || `${request.method} ${request.url.split("?")[0]}`;
  const trace = { label, statements: [], cpu: process.cpuUsage() };
  inFlight.set(request, trace);
  current = trace;
});
subscribe("http.server.response.finish", ({ request }) => {
  const trace = inFlight.get(request);
  if (!trace) return;
  inFlight.delete(request);
  // The process's CPU time from the request's start to its answer: the request's own when one
  // runs at a time (plus whatever the process ran meanwhile, the job runner included).
  const cpu = process.cpuUsage(trace.cpu);
  entry(trace.label).cpuMs ??= [];
  entry(trace.label).cpuMs.push((cpu.user + cpu.system) / 1000);
  charge(trace);
  if (current === trace) current = null;
});

process.on("exit", () => writeFileSync(OUT, JSON.stringify(totals, null, 2)));
