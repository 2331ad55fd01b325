// A floor for any Fastify app: Fastify answering each route with one fixed body, the request's
// JSON body parsed by Fastify's own parser, no hooks, no schema, no logger. Beside bare
// node:http it measures what the framework bankgate is built on costs by itself
// (docs/performance.md, "Left to do"); `BENCH_SERVERS=bare,fastify,bankgate npm run bench`.
//
//   node bench/fastify-server.js <routes.json> [port]
//
// <routes.json> and the port as for bench/bare-server.js; prints "listening <port>" once it
// accepts connections.
import { readFileSync } from "node:fs";
import Fastify from "fastify";

const [routesFile, port = "0"] = process.argv.slice(2);
if (!routesFile) {
  process.stderr.write("usage: node bench/fastify-server.js <routes.json>\n");
  process.exit(2);
}

const app = Fastify({ logger: false });
for (const { path, file, contentType } of JSON.parse(readFileSync(routesFile, "utf8"))) {
  const body = readFileSync(file);
  app.all(path, async (_request, reply) => reply.type(contentType).send(body));
}

await app.listen({ port: Number(port), host: "127.0.0.1" });
process.stdout.write(`listening ${app.server.address().port}\n`);

process.once("SIGTERM", () => app.close().then(() => process.exit(0)));
