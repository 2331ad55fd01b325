// vitest: npx vitest run --root examples/testing
import { startBankgate } from "bankgate/testing";
import { afterAll, beforeAll, expect, test } from "vitest";
import { connectGreatday } from "./connect-greatday.mjs";

let bankgate;
beforeAll(async () => {
  bankgate = await startBankgate();
});
afterAll(() => bankgate.stop());

test("a live login with MFA, then a signed webhook with the data", async () => {
  const login = await connectGreatday(bankgate);
  expect(login).toMatchObject({ challengeStatus: 203, status: 200 });
  const event = await bankgate.webhooks.waitFor((e) => e.type === "GetAccountsDetail");
  expect(event.body.Login.Id).toBe(login.loginId);
});
