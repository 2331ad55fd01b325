import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FlinksClient } from "../../src/client/index.js";
import { type RunningBankgate, startBankgate } from "../../src/testing/index.js";

/**
 * One flow, two clients: bankgate/client and the unmodified npm client node-flinks@0.6.0
 * (test/clients/node-flinks.test.ts explains its redirection) run the same calls against the
 * same card of one server, and their answers must be the same — node-flinks camel-cases every
 * key (with its own transformResponse, used here on our client's answers) and throws its
 * FlinksError for an error; the RequestIds differ, each client opening its own session.
 */
const require = createRequire(import.meta.url);
const NodeFlinks = (require("node-flinks") as typeof import("node-flinks")).default;
const FlinksError = (require("node-flinks/build/lib/flinks-error.js") as typeof import("node-flinks/build/lib/flinks-error.js")).default;
const { transformResponse } = require("node-flinks/build/lib/transform-keys.js") as { transformResponse: (body: unknown) => unknown };

let bankgate: RunningBankgate;
let ours: FlinksClient;
let theirs: InstanceType<typeof NodeFlinks>;
let loginId: string;

beforeAll(async () => {
  bankgate = await startBankgate();
  ours = new FlinksClient({ baseUrl: bankgate.apiUrl, apiKey: bankgate.apiKey, secretKey: bankgate.secretKey });
  theirs = new NodeFlinks("toolbox", bankgate.customerId);
  const holder = theirs as unknown as { client: { extend(options: { prefixUrl: string }): unknown } };
  holder.client = holder.client.extend({ prefixUrl: `${bankgate.url}/v3/${bankgate.customerId}` }) as typeof holder.client;

  // node-flinks cannot answer MFA, so the card comes from a login without it (made by our client).
  const live = await ours.authorize({
    Institution: "FlinksCapital",
    Username: "greatday_nomfa",
    Password: "Everyday",
    MostRecentCached: false,
    Save: true,
  });
  if (live.HttpStatusCode !== 200) throw new Error(`live login: ${JSON.stringify(live)}`);
  loginId = live.Login.Id;
  await bankgate.webhooks.waitFor((e) => e.type === "GetAccountsDetail" && (e.body.Login as { Id?: string }).Id === loginId);
});
afterAll(() => bankgate?.stop());

/** node-flinks' view of an answer (idempotent on its own), minus the RequestId each session has of its own. */
function asNodeFlinks(answer: unknown): Record<string, unknown> {
  const { requestId: _, ...rest } = transformResponse(answer) as Record<string, unknown>;
  return rest;
}

describe("bankgate/client and node-flinks, the same flow", () => {
  const accessToken = () => bankgate.apiKey;
  const requestIds = { ours: "", theirs: "" };

  it("a cached Authorize of the card", async () => {
    const ourAnswer = await ours.authorize({ LoginId: loginId, MostRecentCached: true });
    const theirAnswer = await theirs.authorize({ loginId, mostRecentCached: true, accessToken: accessToken() });
    if (ourAnswer.HttpStatusCode !== 200) throw new Error(JSON.stringify(ourAnswer));
    requestIds.ours = ourAnswer.RequestId;
    requestIds.theirs = theirAnswer.requestId;
    expect(requestIds.ours).not.toBe(requestIds.theirs);
    expect(asNodeFlinks(ourAnswer)).toEqual(asNodeFlinks(theirAnswer));
  });

  it("GetAccountsDetail with every disclosure flag, and with some left out", async () => {
    for (const flags of [
      { withAccountIdentity: true, withKYC: true, withTransactions: true, withBalance: true, daysOfTransactions: "Days90" as const },
      { withKYC: false, withTransactions: false },
    ]) {
      const ourAnswer = await ours.getAccountsDetail({
        RequestId: requestIds.ours,
        WithAccountIdentity: flags.withAccountIdentity,
        WithKYC: flags.withKYC,
        WithTransactions: flags.withTransactions,
        WithBalance: flags.withBalance,
        DaysOfTransactions: flags.daysOfTransactions,
      });
      const theirAnswer = await theirs.getAccountsDetail({ requestId: requestIds.theirs, ...flags, accessToken: accessToken() });
      expect(ourAnswer.HttpStatusCode).toBe(200);
      expect((theirAnswer as { accounts: unknown[] }).accounts).toHaveLength(4);
      expect(asNodeFlinks(ourAnswer)).toEqual(asNodeFlinks(theirAnswer));
    }
  });

  it("GetAccountsSummary and the *Async polls", async () => {
    const pairs: Array<[unknown, unknown]> = [
      [
        await ours.getAccountsSummary({ RequestId: requestIds.ours }),
        await theirs.getAccountsSummary({ requestId: requestIds.theirs, accessToken: accessToken() }),
      ],
      [
        await ours.getAccountsDetailAsync(requestIds.ours),
        await theirs.getAccountsDetailAsync({ requestId: requestIds.theirs, accessToken: accessToken() }),
      ],
      [
        await ours.getAccountsSummaryAsync(requestIds.ours),
        await theirs.getAccountsSummaryAsync({ requestId: requestIds.theirs, accessToken: accessToken() }),
      ],
    ];
    for (const [ourAnswer, theirAnswer] of pairs) {
      expect((ourAnswer as { HttpStatusCode: number }).HttpStatusCode).toBe(200);
      expect(asNodeFlinks(ourAnswer)).toEqual(asNodeFlinks(theirAnswer));
    }
  });

  it("GetStatements", async () => {
    const ourAnswer = await ours.getStatements({ RequestId: requestIds.ours });
    const theirAnswer = await theirs.getStatements({ requestId: requestIds.theirs, accessToken: accessToken() });
    expect(ourAnswer.HttpStatusCode).toBe(200);
    expect(asNodeFlinks(ourAnswer)).toEqual(asNodeFlinks(theirAnswer));
  });

  it("an error: our typed answer carries what node-flinks' FlinksError does", async () => {
    const unknownCard = "00000000-0000-4000-8000-000000000000";
    const ourAnswer = await ours.authorize({ LoginId: unknownCard, MostRecentCached: true });
    const theirError = await theirs.authorize({ loginId: unknownCard, accessToken: accessToken() }).catch((e: unknown) => e);
    expect(theirError).toBeInstanceOf(FlinksError);
    if (ourAnswer.HttpStatusCode === 200 || ourAnswer.HttpStatusCode === 203) throw new Error(JSON.stringify(ourAnswer));
    expect(ourAnswer.FlinksCode).toBe("INVALID_LOGIN");
    expect(theirError).toMatchObject({
      httpStatusCode: ourAnswer.HttpStatusCode,
      flinksCode: ourAnswer.FlinksCode,
      flinksMessage: ourAnswer.Message,
    });
  });
});
