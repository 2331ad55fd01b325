// A second (third…) process of bench/refresh.js's nightly run: the same store and settings, its
// own job runner, as one more worker process of a server with BANKGATE_WORKERS would run one.
// Started by refresh.js with BENCH_REFRESH_HELPER_ENV (the server's settings as JSON) and an IPC
// channel: it opens the store, says "ready", runs jobs from "go" until "stop" (its runner idle
// each time it looks), then closes the store and exits. Not meant to be run by hand.
import { loadConfig } from "../dist/config/config.js";
import { createDeps } from "../dist/deps.js";
import { ManualClock } from "../dist/lib/clock.js";

const env = JSON.parse(process.env.BENCH_REFRESH_HELPER_ENV);
const deps = await createDeps(loadConfig(env), { clock: new ManualClock(new Date(process.env.BENCH_REFRESH_HELPER_NOW)) });
let stopping = false;
process.on("message", async (message) => {
  if (message === "stop") stopping = true;
  if (message !== "go") return;
  while (!stopping) {
    await deps.runner.runUntilIdle();
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  await deps.close();
  process.exit(0);
});
process.send("ready");
