import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import SwaggerParser from "@apidevtools/swagger-parser";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DocumentedResponses } from "../helpers/documented-responses.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

interface Media {
  schema: object;
  example?: unknown;
  examples?: Record<string, { value: unknown }>;
}
interface Operation {
  operationId?: string;
  responses: Record<string, { content?: Record<string, Media> }>;
}
type Document = { paths: Record<string, Record<string, Operation>> };

function operationsOf(document: Document): Array<{ where: string; operation: Operation }> {
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ where: `${method.toUpperCase()} ${path}`, operation })),
  );
}

/** The whole API surface, sandbox control plane and demo included, so every operation is in the document. */
const EVERYTHING_ON = { BANKGATE_SANDBOX_CONTROL: "on", BANKGATE_DEMO: "on", BANKGATE_SIMULATORS: "on" };

describe("the OpenAPI document (/openapi.json)", () => {
  let t: TestApp;
  let document: Document;
  beforeAll(async () => {
    t = await createTestApp({ env: EVERYTHING_ON });
    document = (await t.app.inject({ method: "GET", url: "/openapi.json" })).json();
  });
  afterAll(() => t.close());

  it("is valid OpenAPI for @apidevtools/swagger-parser", async () => {
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeTruthy();
  });

  it("has no error and no warning under redocly lint's recommended rules", () => {
    const file = join(t.dataDir, "openapi.json");
    writeFileSync(file, JSON.stringify(document));
    const lint = spawnSync(
      process.execPath,
      [join("node_modules", "@redocly", "cli", "bin", "cli.js"), "lint", file, "--extends=recommended", "--format=json"],
      { encoding: "utf8", env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" }, timeout: 60_000 },
    );
    const report = JSON.parse(lint.stdout.slice(lint.stdout.indexOf("{"))) as { totals: { errors: number; warnings: number } };
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  });

  it("gives every operation a unique operationId, and every status a schema and an example that fits it", () => {
    const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
    const ids = new Set<string>();
    const problems: string[] = [];
    for (const { where, operation } of operationsOf(document)) {
      if (!operation.operationId || ids.has(operation.operationId)) problems.push(`${where}: operationId ${operation.operationId}`);
      ids.add(operation.operationId ?? "");
      for (const [status, response] of Object.entries(operation.responses)) {
        for (const [mediaType, media] of Object.entries(response.content ?? {})) {
          const examples = media.examples ? Object.values(media.examples).map((e) => e.value) : [media.example];
          if (!media.schema || examples[0] === undefined) problems.push(`${where} ${status} ${mediaType}: no schema or no example`);
          const validate = ajv.compile(media.schema);
          for (const example of examples) if (!validate(example)) problems.push(`${where} ${status}: ${ajv.errorsText(validate.errors)}`);
        }
        if (!response.content) problems.push(`${where} ${status}: no content`);
      }
    }
    expect(problems).toEqual([]);
    expect(ids.size).toBeGreaterThanOrEqual(41);
  });

  it("documents the Flinks answers of /Authorize, the data operations and DeleteCard, and their errors with FlinksCodes", () => {
    const base = "/v3/{customerId}/BankingServices";
    const statuses = (path: string, method = "post") => Object.keys(document.paths[`${base}${path}`]?.[method]?.responses ?? {});
    expect(statuses("/Authorize")).toEqual(expect.arrayContaining(["200", "203", "400", "401", "409", "500", "503"]));
    expect(statuses("/AuthorizeAsync")).toEqual(expect.arrayContaining(["200", "202", "203", "401"]));
    expect(statuses("/GetAccountsDetail")).toEqual(expect.arrayContaining(["200", "202", "400", "401"]));
    expect(statuses("/GetStatementsAsync/{requestId}", "get")).toEqual(expect.arrayContaining(["200", "202", "400"]));
    expect(statuses("/DeleteCard/{loginId}", "delete")).toEqual(expect.arrayContaining(["200", "401"]));
    const refused = document.paths[`${base}/Authorize`]?.post?.responses["401"]?.content?.["application/json"];
    if (!refused) throw new Error("/Authorize documents no 401");
    const codes = (refused.schema as { properties: { FlinksCode: { enum: string[] } } }).properties.FlinksCode.enum;
    expect(codes).toEqual(expect.arrayContaining(["INVALID_PASSWORD", "INVALID_SECURITY_RESPONSE", "TOO_MANY_REQUESTS", "ACCESS_DENIED"]));
    expect(refused.examples?.INVALID_PASSWORD?.value).toEqual({
      HttpStatusCode: 401,
      FlinksCode: "INVALID_PASSWORD",
      Message: "The institution rejected the password.",
    });
  });

  it("is what the answer check of the API tests holds answers to: an undocumented status, code or field fails", () => {
    const documented = new DocumentedResponses(document as never);
    const answer = (statusCode: number, body: unknown) =>
      ({
        statusCode,
        body: JSON.stringify(body),
        headers: { "content-type": "application/json; charset=utf-8" },
      }) as unknown as LightMyRequestResponse;
    const url = `/v3/${t.customer.customerId}/BankingServices/DeleteCard/x`;
    const deleted = { StatusCode: 200, Message: "All of the information about LoginId x has been removed", HttpStatusCode: 200 };
    expect(() => documented.check("DELETE", url, answer(200, deleted))).not.toThrow();
    expect(() => documented.check("DELETE", url.replace("/v3", ""), answer(200, deleted))).not.toThrow();
    expect(() => documented.check("DELETE", url, answer(418, deleted))).toThrow(/status 418 is not documented/);
    expect(() => documented.check("DELETE", url, answer(200, { ...deleted, StatusCode: "200" }))).toThrow(
      /differs from the documented schema/,
    );
    const refusal = { HttpStatusCode: 401, FlinksCode: "INVALID_PASSWORD", Message: "no" };
    expect(() => documented.check("DELETE", url, answer(401, refusal))).toThrow(/differs from the documented schema/);
    expect(() => documented.check("DELETE", url, answer(401, { ...refusal, FlinksCode: "INVALID_LOGIN" }))).not.toThrow();
  });
});
