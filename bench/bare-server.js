// The baseline: bare node:http answering each route with one fixed body.
//
//   node bench/bare-server.js <routes.json> [port]
//
// <routes.json> is a list of { "path", "file", "contentType" }: a request for `path` (any
// method; the query string is ignored) is answered 200 with the bytes of `file` and that
// Content-Type, after the request body has been read to the end (as any real handler must);
// any other path gets a 404. It listens on 127.0.0.1 on `port` (default: one the OS picks)
// and prints "listening <port>" on stdout once it accepts connections.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";

const [routesFile, port = "0"] = process.argv.slice(2);
if (!routesFile) {
  process.stderr.write("usage: node bench/bare-server.js <routes.json>\n");
  process.exit(2);
}

/** path → [headers, body], read once. */
const answers = new Map();
for (const { path, file, contentType } of JSON.parse(readFileSync(routesFile, "utf8"))) {
  const body = readFileSync(file);
  answers.set(path, [{ "content-type": contentType, "content-length": String(body.length) }, body]);
}

const server = createServer((request, response) => {
  request.on("data", () => {});
  request.on("end", () => {
    const queryAt = request.url.indexOf("?");
    const answer = answers.get(queryAt === -1 ? request.url : request.url.slice(0, queryAt));
    if (answer === undefined) {
      response.writeHead(404);
      response.end();
      return;
    }
    response.writeHead(200, answer[0]);
    response.end(answer[1]);
  });
});

server.listen(Number(port), "127.0.0.1", () => {
  process.stdout.write(`listening ${server.address().port}\n`);
});

process.once("SIGTERM", () => server.close(() => process.exit(0)));
