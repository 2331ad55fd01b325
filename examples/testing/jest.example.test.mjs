// jest (ES modules): NODE_OPTIONS=--experimental-vm-modules npx jest --rootDir examples/testing
import { afterAll, beforeAll, expect, test } from "@jest/globals";
import { startBankgate } from "bankgate/testing";
import { connectGreatday } from "./connect-greatday.mjs";

let bankgate;
beforeAll(async () => {
  bankgate = await startBankgate();
});
afterAll(() => bankgate.stop());

test("a saved card's next refresh fails as forced", async () => {
  const { loginId } = await connectGreatday(bankgate);
  await bankgate.cards.forceNextRefresh(loginId, { outcome: "failed", code: "RETRY_LATER" });
  const refresh = await fetch(`${bankgate.apiUrl}/Authorize`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": bankgate.apiKey },
    body: JSON.stringify({ LoginId: loginId, MostRecentCached: false }),
  });
  expect((await refresh.json()).FlinksCode).toBe("RETRY_LATER");
});
