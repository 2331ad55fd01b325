import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

describe("API documentation", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it("serves an OpenAPI document built from the route schemas, once per route", async () => {
    const response = await t.app.inject({ method: "GET", url: "/openapi.json" });
    expect(response.statusCode).toBe(200);
    const doc = response.json();
    expect(doc.openapi).toMatch(/^3\./);
    const base = "/v3/{customerId}/BankingServices";
    expect(Object.keys(doc.paths).sort()).toEqual(
      [
        "/bankgate/v1/{customerId}/sessions/{requestId}",
        "/bankgate/v1/{customerId}/settings",
        "/bankgate/v1/{customerId}/usage",
        "/bankgate/v1/{customerId}/webhooks",
        "/bankgate/v1/{customerId}/webhooks/deliveries",
        "/bankgate/v1/{customerId}/webhooks/deliveries/{eventId}/replay",
        "/bankgate/v1/institutions",
        "/bankgate/v1/institutions/{id}/logo",
        "/sandbox/v1/{customerId}/cards/{loginId}/next-refresh",
        "/sandbox/v1/{customerId}/cards/{loginId}/reset",
        "/connect/{customerId}",
        "/connect/api/v1/{customerId}/sessions/{requestId}",
        "/connect/api/v1/{customerId}/sessions/{requestId}/accounts",
        "/connect/api/v1/{customerId}/tokens/renew",
        "/demo/api/token",
        "/demo/api/simplefin-token",
        "/sandbox/v1/{customerId}/simplefin/setup-tokens",
        "/sandbox/v1/{customerId}/clock",
        "/sandbox/v1/{customerId}/clock/advance",
        "/sandbox/v1/{customerId}/clock/freeze",
        "/sandbox/v1/{customerId}/clock/unfreeze",
        "/sandbox/v1/{customerId}/scripts/{name}",
        "/sandbox/v1/{customerId}/sessions",
        ...[
          "/AnswerMFAQuestions",
          "/Authorize",
          "/AuthorizeAsync",
          "/AuthorizeMultiple",
          "/DeleteCard/{loginId}",
          "/GenerateAuthorizeToken",
          "/GetAccountsDetail",
          "/GetAccountsDetailAsync/{requestId}",
          "/GetAccountsSummary",
          "/GetAccountsSummaryAsync/{requestId}",
          "/GetMFAQuestions/{loginId}",
          "/GetNightlyRefreshStatus",
          "/GetStatements",
          "/GetStatementsAsync/{requestId}",
          "/SetScheduledRefresh",
        ].map((p) => base + p),
      ].sort(),
    );
    const authorizeBody = doc.paths[`${base}/Authorize`].post.requestBody.content["application/json"].schema;
    expect(Object.keys(authorizeBody.properties)).toEqual(expect.arrayContaining(["LoginId", "MostRecentCached", "SecurityResponses"]));
  });

  it("serves a docs UI at /docs", async () => {
    const response = await t.app.inject({ method: "GET", url: "/docs/" });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toContain("text/html");
  });
});
