// The servers bankgate is compared with, each answering the same routes with the same bytes:
//   - bare:     bench/bare-server.js, bare node:http (the ceiling: no routing, no parsing);
//   - fastify:  bench/fastify-server.js, Fastify with a fixed body per route and nothing else
//               (the framework's own floor; only when BENCH_SERVERS names it);
//   - wiremock: WireMock standalone (the `wiremock` devDependency ships its jar; needs Java 17+),
//               one static stub per route, request journal off (its own advice for load tests);
//   - prism:    Stoplight Prism (`@stoplight/prism-cli` devDependency), an OpenAPI mock of one
//               operation per route whose example is the captured answer; CORS headers and
//               per-request logging off.
// Each runs as a child process on 127.0.0.1 (harness.js kills it at exit at the latest).
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { freePort, HOST, ROOT, STARTUP_TIMEOUT_MS, spawnNode, spawnProcess } from "./harness.js";

const BARE = join(ROOT, "bench", "bare-server.js");
const FASTIFY = join(ROOT, "bench", "fastify-server.js");
const WIREMOCK_DIR = join(ROOT, "node_modules", "wiremock", "build");
const PRISM = join(ROOT, "node_modules", "@stoplight", "prism-cli", "dist", "index.js");

export const STUB_KINDS = ["bare", "fastify", "wiremock", "prism"];
/** What `npm run bench` compares bankgate with when BENCH_SERVERS is not set. */
export const DEFAULT_STUB_KINDS = ["bare", "wiremock", "prism"];

/** Why `kind` cannot run here, or null when it can. */
export function missingReason(kind) {
  if (kind === "wiremock") {
    const jar = wiremockJar();
    if (!jar) return `no WireMock jar in ${WIREMOCK_DIR} (npm install)`;
  }
  if (kind === "prism" && !existsSync(PRISM)) return `${PRISM} not found (npm install)`;
  return null;
}

function wiremockJar() {
  if (!existsSync(WIREMOCK_DIR)) return null;
  const jar = readdirSync(WIREMOCK_DIR).find((name) => name.endsWith(".jar"));
  return jar ? join(WIREMOCK_DIR, jar) : null;
}

/** Resolves once anything answers HTTP on `port` (any status), polling every 20 ms; bounded. */
async function waitForHttp(child, port, what) {
  const deadline = performance.now() + STARTUP_TIMEOUT_MS * 2; // a JVM on a loaded machine is slow
  while (performance.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${what} exited before answering:\n${child.output}`);
    const answered = await new Promise((resolve) => {
      const req = httpRequest({ host: HOST, port, path: "/__bench_ready", method: "GET", agent: false }, (res) => {
        res.resume();
        res.on("end", () => resolve(true));
      });
      req.on("error", () => resolve(false));
      req.setTimeout(1000, () => req.destroy());
      req.end();
    });
    if (answered) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`${what} did not answer within ${STARTUP_TIMEOUT_MS * 2} ms:\n${child.output}`);
}

/**
 * Starts the stub server `kind` answering each of `routes` ({ path, bytes, contentType }) in
 * `dir` (an empty temporary directory it may write its files to). Resolves with
 * { kind, child, base } once it answers HTTP.
 */
export async function startStub(kind, routes, dir) {
  const port = await freePort();
  let child;
  if (kind === "bare" || kind === "fastify") {
    const list = routes.map((route, i) => {
      const file = join(dir, `body-${i}`);
      writeFileSync(file, route.bytes);
      return { path: route.path, file, contentType: route.contentType };
    });
    writeFileSync(join(dir, "routes.json"), JSON.stringify(list));
    child = spawnNode([kind === "bare" ? BARE : FASTIFY, join(dir, "routes.json"), String(port)], { ...process.env });
  } else if (kind === "wiremock") {
    mkdirSync(join(dir, "mappings"), { recursive: true });
    mkdirSync(join(dir, "__files"), { recursive: true });
    routes.forEach((route, i) => {
      writeFileSync(join(dir, "__files", `body-${i}`), route.bytes);
      const mapping = {
        request: { method: "POST", urlPath: route.path },
        response: { status: 200, bodyFileName: `body-${i}`, headers: { "Content-Type": route.contentType } },
      };
      writeFileSync(join(dir, "mappings", `route-${i}.json`), JSON.stringify(mapping));
    });
    const args = ["-jar", wiremockJar(), "--port", String(port), "--bind-address", HOST, "--root-dir", dir];
    args.push("--no-request-journal", "--disable-banner", "--disable-gzip");
    child = spawnProcess("java", args, { ...process.env });
  } else if (kind === "prism") {
    const paths = {};
    for (const route of routes) {
      paths[route.path] = {
        post: {
          requestBody: { content: { "application/json": { schema: { type: "object" } } } },
          responses: {
            200: { description: "the captured answer", content: { [route.contentType]: { example: JSON.parse(route.bytes.toString()) } } },
          },
        },
      };
    }
    const spec = { openapi: "3.0.3", info: { title: "bench", version: "1" }, paths };
    writeFileSync(join(dir, "openapi.json"), JSON.stringify(spec));
    const args = [PRISM, "mock", join(dir, "openapi.json"), "-h", HOST, "-p", String(port), "--cors", "false", "-v", "warn"];
    child = spawnNode(args, { ...process.env });
  } else {
    throw new Error(`unknown stub server ${kind}`);
  }
  await waitForHttp(child, port, kind);
  return { kind, child, base: `http://${HOST}:${port}` };
}
