/**
 * Quality bar S4 (docs/quality-bars.md) for the webhook and usage endpoints: 1,000 malformed inputs each (bodies,
 * query strings, path segments, credentials), checked against the response contract (no
 * 5xx, HttpStatusCode = status, catalogued FlinksCode). A receiver URL set by the fuzzer is
 * never contacted: no job runs here.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, it } from "vitest";
import { checkResponse } from "../helpers/response-contract.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

const RUNS = 1000;

describe("S4: fuzzing the webhook and usage endpoints", () => {
  let t: TestApp;
  let knownEventId: string;
  beforeAll(async () => {
    t = await createTestApp({ runJobs: false });
    await t.app.inject({
      method: "PUT",
      url: `/bankgate/v1/${t.customer.customerId}/webhooks`,
      headers: { "flinks-auth-key": t.customer.secretKey },
      payload: { Url: "http://127.0.0.1:9/never" },
    });
    await t.connect("greatday_nomfa");
    await t.deps.runner.runUntilIdle(); // the aggregation publishes; delivery to port 9 fails and is logged
    const [event] = await t.deps.storage.webhooks.listEvents(t.customer.customerId, { limit: 1 });
    knownEventId = event?.id ?? "";
  });
  afterAll(() => t?.close());

  const credentials = () =>
    fc.constantFrom<Record<string, string>>(
      { "flinks-auth-key": t.customer.secretKey },
      { "flinks-auth-key": t.customer.secretKey },
      { "x-api-key": t.customer.apiKey },
      { "flinks-auth-key": "" },
      { authorization: `Bearer ${t.customer.secretKey}` },
      {},
    );
  const text = fc.oneof(
    fc.string({ maxLength: 80 }),
    fc.string({ unit: "binary", maxLength: 40 }),
    fc.constantFrom(
      "javascript:alert(1)",
      "http://127.0.0.1:1/x",
      "https://a@b.example/",
      "https://ok.example/\r\nX: y",
      "2026-02-30",
      "-1",
      "1e3",
    ),
  );
  const json = fc.oneof(
    fc.jsonValue(),
    fc.record({ Url: fc.oneof(text, fc.jsonValue()), Secret: fc.oneof(text, fc.jsonValue()) }, { requiredKeys: [] }),
  );
  const query = fc
    .dictionary(fc.constantFrom("from", "to", "limit", "eventId", "x", "__proto__"), text, { maxKeys: 3 })
    .map((params) => new URLSearchParams(params).toString());
  const segment = fc.oneof(text.map(encodeURIComponent), fc.uuid(), fc.constant("@known")).filter((s) => s.length > 0 && s.length <= 200);

  async function check(method: "GET" | "PUT" | "POST", url: string, headers: Record<string, string>, payload?: string) {
    const response = await t.app.inject({
      method,
      url,
      headers: { ...headers, "content-type": "application/json" },
      ...(payload !== undefined ? { payload } : {}),
    });
    checkResponse(`${method} ${url} ${JSON.stringify(headers)} ${String(payload).slice(0, 200)}`, response);
  }
  const base = () => `/bankgate/v1/${t.customer.customerId}`;

  it(`PUT webhooks: ${RUNS} bodies`, { timeout: 60_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(json, credentials(), async (body, headers) => check("PUT", `${base()}/webhooks`, headers, JSON.stringify(body))),
      { numRuns: RUNS },
    );
  });

  it(`GET webhooks/deliveries: ${RUNS} query strings`, { timeout: 60_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(query, credentials(), async (q, headers) => check("GET", `${base()}/webhooks/deliveries?${q}`, headers)),
      { numRuns: RUNS },
    );
  });

  it(`POST webhooks/deliveries/{eventId}/replay: ${RUNS} ids`, { timeout: 60_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(segment, credentials(), async (id, headers) =>
        check("POST", `${base()}/webhooks/deliveries/${id === "@known" ? knownEventId : id}/replay`, headers),
      ),
      { numRuns: RUNS },
    );
  });

  it(`GET usage: ${RUNS} query strings`, { timeout: 60_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(query, credentials(), async (q, headers) => check("GET", `${base()}/usage?${q}`, headers)),
      { numRuns: RUNS },
    );
  });
});
