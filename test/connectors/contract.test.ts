import { dirname } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { buildServer, removeBuild } from "../helpers/server-build.js";
import { describeConnectorContract } from "./contract-suite.js";
import { ofxContractKit } from "./ofx/ofx-contract-kit.js";
import { sandboxKits } from "./sandbox-kits.js";
import { simpleFinContractKit } from "./simplefin/simplefin-contract-kit.js";

/** Every connector bankgate ships passes the same contract (docs/architecture.md, "Adding a connector"). */
let main = "";
beforeAll(async () => {
  // The second-process steps run the compiled program, as a restarted bankgate would.
  main = await buildServer("contract", 170_000);
}, 180_000);
afterAll(() => removeBuild(main));

const program = { distRoot: () => dirname(main) };
for (const kit of [...sandboxKits, simpleFinContractKit, ofxContractKit(211), ofxContractKit(102)]) describeConnectorContract(kit, program);
