// The baseline: bare node:http answering every request with one fixed body.
//
//   node bench/bare-server.js <body-file> <content-type>
//
// It reads the request body to the end (as any real handler must) and then sends the
// bytes of <body-file> with the given Content-Type. It listens on 127.0.0.1 on a port
// the OS picks and prints "listening <port>" on stdout once it accepts connections.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";

const [bodyFile, contentType] = process.argv.slice(2);
if (!bodyFile || !contentType) {
  process.stderr.write("usage: node bench/bare-server.js <body-file> <content-type>\n");
  process.exit(2);
}

const body = readFileSync(bodyFile);
const headers = {
  "content-type": contentType,
  "content-length": String(body.length),
};

const server = createServer((request, response) => {
  request.on("data", () => {});
  request.on("end", () => {
    response.writeHead(200, headers);
    response.end(body);
  });
});

server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`listening ${server.address().port}\n`);
});

process.once("SIGTERM", () => server.close(() => process.exit(0)));
