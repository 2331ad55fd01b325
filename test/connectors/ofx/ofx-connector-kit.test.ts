import { afterAll, beforeAll, expect, it } from "vitest";
import { type OfxConnectorKit, startOfxConnectorKit } from "./ofx-connector-kit.js";
import { MemoryCardVault } from "./ofx-sim-harness.js";

let kit: OfxConnectorKit;
beforeAll(async () => {
  kit = await startOfxConnectorKit();
});
afterAll(() => kit.close());

it("the kit's credentials give the outcomes it promises", async () => {
  const { connector, credentials } = kit;
  expect((await connector.start(credentials.authorized, kit.context())).kind).toBe("authorized");
  expect(await connector.start(credentials.invalidPassword, kit.context())).toEqual({ kind: "failed", code: "INVALID_PASSWORD" });
  expect(await connector.start(credentials.disabledLogin, kit.context())).toEqual({ kind: "failed", code: "DISABLED_LOGIN" });
  expect(await connector.start(credentials.retryLater, kit.context())).toEqual({ kind: "failed", code: "RETRY_LATER" });
  const vault = new MemoryCardVault();
  const challenged = await connector.start(credentials.challenged.credentials, kit.context(vault));
  if (challenged.kind !== "challenged") throw new Error(challenged.kind);
  expect((await connector.answer(credentials.challenged.wrongAnswers, challenged.connectorState, kit.context(vault))).kind).toBe("failed");
  expect((await connector.answer(credentials.challenged.answers, challenged.connectorState, kit.context(vault))).kind).toBe("authorized");
});
