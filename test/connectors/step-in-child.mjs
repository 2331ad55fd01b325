// Runs one connector step in a process of its own, as a restarted or second bankgate process
// would: the connector built from the compiled program, the step's state and the durable
// context (memory, card vaults) read from stdin as JSON, the result and the context after the
// step written to stdout. The contract suite (contract-suite.ts) checks that it matches.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const input = JSON.parse(readFileSync(0, "utf8"));
const load = (module) => import(pathToFileURL(join(input.distRoot, module)).href);
const factory = (await load(input.factory.module))[input.factory.exportName];
const connector = factory(...input.factory.args);
const { GuardedHttpClient } = await load("connectors/http/guarded-http-client.js");
const http = new GuardedHttpClient(input.httpPolicy);
const startedMs = Date.now();
const clock = {
  now: () => new Date(input.nowMs + (Date.now() - startedMs)),
  sleepUntil: (at) => new Promise((resolve) => setTimeout(resolve, Math.max(0, at.getTime() - clock.now().getTime()))),
};
const { memory: memoryJson, vaults } = input;
const ctx = {
  clock,
  randomInt: () => 0,
  attended: true,
  http,
  memory: {
    read: async (key) => memoryJson[key] ?? null,
    write: async (key, value) => {
      memoryJson[key] = value;
    },
  },
  vault: {
    read: async () => vaults[input.cardKey] ?? null,
    write: async (value) => {
      vaults[input.cardKey] = value;
    },
  },
};
const result =
  input.step === "answer" ? await connector.answer(input.answers, input.state, ctx) : await connector.fetchData(input.state, ctx);
process.stdout.write(JSON.stringify({ result, memory: memoryJson, vaults }));
