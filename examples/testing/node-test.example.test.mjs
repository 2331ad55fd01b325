// node:test: node --test examples/testing/
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startBankgate } from "bankgate/testing";

let bankgate;
before(async () => {
  bankgate = await startBankgate();
});
after(() => bankgate.stop());

test("a RequestId expires when the virtual clock passes its idle TTL", async () => {
  const token = await fetch(`${bankgate.apiUrl}/GenerateAuthorizeToken`, { method: "POST", headers: { "flinks-auth-key": bankgate.secretKey } });
  const { Token } = await token.json();
  const authorize = (body) =>
    fetch(`${bankgate.apiUrl}/Authorize`, {
      method: "POST",
      headers: { "content-type": "application/json", "flinks-auth-key": Token },
      body: JSON.stringify(body),
    }).then(async (response) => ({ status: response.status, body: await response.json() }));
  const challenge = await authorize({ Institution: "FlinksCapital", Username: "Greatday", Password: "Everyday", MostRecentCached: false });
  assert.equal(challenge.status, 203);
  bankgate.clock.advance(9 * 60); // the default idle TTL is 8 minutes
  const late = await authorize({ RequestId: challenge.body.RequestId, SecurityResponses: { x: ["y"] } });
  assert.equal(late.body.FlinksCode, "SESSION_EXPIRED");
});
