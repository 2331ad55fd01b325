import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConnectorRegistry } from "../../src/connectors/registry.js";
import type { InstitutionConnector } from "../../src/connectors/types.js";
import { createTestApp, flinksCapital, type TestApp } from "../helpers/test-app.js";

const fake = (id: string, name: string, institutionId: number): InstitutionConnector => ({
  ...flinksCapital(),
  id,
  name,
  institutionId,
  sandbox: false,
});

describe("GET /bankgate/v1/institutions", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      connectors: new ConnectorRegistry([flinksCapital(), fake("RBC", "Royal Bank of Canada", 8), fake("TD", "TD Canada Trust", 9)]),
    });
  });
  afterAll(() => t.close());

  const list = (query = "") => t.app.inject({ method: "GET", url: `/bankgate/v1/institutions${query}` });

  it("lists the registered connectors without credentials, sorted by name, sandbox ones marked", async () => {
    const response = await list();
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      institutions: [
        {
          id: "FlinksCapital",
          name: "FlinksCapital",
          institutionId: 14,
          sandbox: true,
          logoUrl: "/bankgate/v1/institutions/FlinksCapital/logo",
        },
        { id: "RBC", name: "Royal Bank of Canada", institutionId: 8, sandbox: false, logoUrl: "/bankgate/v1/institutions/RBC/logo" },
        { id: "TD", name: "TD Canada Trust", institutionId: 9, sandbox: false, logoUrl: "/bankgate/v1/institutions/TD/logo" },
      ],
    });
  });

  it("filters case-insensitively on name and id", async () => {
    const ids = async (query: string) => (await list(query)).json().institutions.map((i: { id: string }) => i.id);
    expect(await ids("?search=CANADA")).toEqual(["RBC", "TD"]);
    expect(await ids("?search=flinkscap")).toEqual(["FlinksCapital"]);
    expect(await ids("?search=rbc")).toEqual(["RBC"]);
    expect(await ids("?search=%20trust%20")).toEqual(["TD"]);
    expect(await ids("?search=")).toEqual(["FlinksCapital", "RBC", "TD"]);
    expect(await ids("?search=nowhere")).toEqual([]);
  });

  it("refuses an oversized search with 400 INVALID_REQUEST", async () => {
    const response = await list(`?search=${"a".repeat(201)}`);
    expect(response.statusCode).toBe(400);
    expect(response.json().FlinksCode).toBe("INVALID_REQUEST");
  });

  it("is in the OpenAPI document as a public operation", async () => {
    const doc = (await t.app.inject({ method: "GET", url: "/openapi.json" })).json();
    const operation = doc.paths["/bankgate/v1/institutions"].get;
    expect(operation.security).toEqual([]);
    expect(operation.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ name: "search", in: "query" })]));
  });
});

describe("GET /bankgate/v1/institutions on the default registry", () => {
  let t: TestApp;
  beforeAll(async () => {
    // The sandbox banks alone (the simulator institutions: test/api/institution-login-forms.test.ts).
    t = await createTestApp({ env: { BANKGATE_SIMULATORS: "off" } });
  });
  afterAll(() => t.close());

  it("lists FlinksCapital and the sandbox banks of other MFA styles, each with its logo", async () => {
    const { institutions } = (await t.app.inject({ method: "GET", url: "/bankgate/v1/institutions" })).json();
    expect(institutions.map((i: { id: string }) => i.id)).toEqual([
      "FlinksCapital",
      "LaurentideSavings",
      "LibertyNational",
      "MapleTrust",
      "NorthwindCreditUnion",
    ]);
    for (const { id, logoUrl, sandbox } of institutions) {
      expect(sandbox, id).toBe(true);
      const logo = await t.app.inject({ method: "GET", url: logoUrl });
      expect(logo.statusCode, id).toBe(200);
      expect(logo.headers["content-type"]).toBe("image/svg+xml");
      expect(logo.headers["content-security-policy"]).toContain("default-src 'none'");
      expect(logo.body).toMatch(/^<svg [^>]*>.*<\/svg>$/s);
    }
  });

  it("answers 404 NOT_FOUND for the logo of an unknown institution", async () => {
    const response = await t.app.inject({ method: "GET", url: "/bankgate/v1/institutions/Nowhere/logo" });
    expect(response.statusCode).toBe(404);
    expect(response.json().FlinksCode).toBe("NOT_FOUND");
  });
});
