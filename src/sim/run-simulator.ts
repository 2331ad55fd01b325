import { describeOfxSim, startOfxSim } from "./ofx/start-ofx-sim.js";
import { startSimpleFinSim } from "./simplefin/start-simplefin-sim.js";

const USAGE = `usage: npm run sim -- simplefin [--port N] [--cert FILE --key FILE] [--scenario S] [--user U] [--seed S]
       npm run sim -- ofx [--port N] [--cert FILE --key FILE] [--seed S]
A protocol simulator on 127.0.0.1 (TLS with a certificate), for tests and for checking a client.`;

/** `npm run sim -- <simplefin|ofx> …`: one simulator, until SIGINT or SIGTERM. */
async function runSimulator(argv: readonly string[]): Promise<void> {
  const [kind, ...rest] = argv;
  if (kind === "simplefin") {
    const { url, setupToken, app } = await startSimpleFinSim(rest);
    process.stdout.write(`SimpleFIN simulator on ${url}\n  make tokens  ${url}/create\n  setup token  ${setupToken}\n`);
    return stopOnSignal(() => app.close());
  }
  if (kind === "ofx") {
    const { url, app } = await startOfxSim(rest);
    process.stdout.write(describeOfxSim(url));
    return stopOnSignal(() => app.close());
  }
  process.stderr.write(`${USAGE}\n`);
  process.exitCode = 2;
}

function stopOnSignal(close: () => Promise<void>): void {
  const stop = () => void close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

runSimulator(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
