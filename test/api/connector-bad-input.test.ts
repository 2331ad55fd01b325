/**
 * Bad input of the protocol kind, through /Authorize: each gets a clear, catalogued answer —
 * the catalogue's status, FlinksCode and message — and never a 5xx.
 *
 * - The real `SimpleFIN` institution (BANKGATE_SIMPLEFIN=on; its HttpClient keeps the strict
 *   default address policy): setup tokens that are not Base64 of a URL, and setup tokens whose
 *   claim URL points at loopback, a private network, the cloud metadata service or plain HTTP.
 * - OFX banks of a directory file (BANKGATE_INSTITUTIONS_FILE, in a temp dir), each pointing at
 *   a path of a stub bank in this test that answers every request with the same broken or
 *   hostile body (the deployment allows plain HTTP and private addresses, as one running its
 *   own test bank would).
 */

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ErrorCode, errorCatalog, wireFlinksCode } from "../../src/errors/catalog.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

const base64 = (text: string) => Buffer.from(text, "utf8").toString("base64");

/** The body an error answer must have: the catalogue's, nothing else. */
function expectCatalogued(response: { statusCode: number; json(): unknown; body: string }, code: ErrorCode): void {
  const entry = errorCatalog[code];
  expect(response.statusCode, response.body.slice(0, 300)).toBe(entry.httpStatus);
  expect(response.statusCode).toBeLessThan(500);
  expect(response.json()).toMatchObject({ HttpStatusCode: entry.httpStatus, FlinksCode: wireFlinksCode(code), Message: entry.message });
}

describe("the real SimpleFIN institution: setup tokens that are not, or point where a server must not go", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { BANKGATE_SIMPLEFIN: "on" } });
  });
  afterAll(() => t?.close());

  const login = (password: string) =>
    t.authorize({ Institution: "SimpleFIN", Username: "my bridge", Password: password, MostRecentCached: false, Save: true });

  it("is a real institution with the strict address policy (not a development deployment)", () => {
    expect(t.deps.profile.notDevelopmentBecause).toContain("the real SimpleFIN institution is configured (BANKGATE_SIMPLEFIN=on)");
    expect(t.config.connectors).toMatchObject({ simplefin: true, allowHttp: false, allowPrivateNetwork: false });
  });

  it.each([
    ["malformed Base64", "%%%not-base64%%%"],
    [
      "Base64 with a character outside both alphabets",
      `${base64("https://bridge.simplefin.org/simplefin/claim/abc").slice(0, 12)}!${base64("x")}`,
    ],
    ["Base64 of bytes that are not UTF-8", Buffer.from([0x68, 0x74, 0xff, 0xfe, 0x3a, 0x2f, 0x2f, 0xc3]).toString("base64")],
    ["Base64 of plain words", base64("my bank password")],
    ["Base64 of a path, no host", base64("/simplefin/claim/abc")],
    ["Base64 of a file URL", base64("file:///etc/passwd")],
    ["Base64 of a javascript: URL", base64("javascript:alert(1)")],
    ["Base64 of a URL with a newline", base64("https://bridge.simplefin.org/claim/x\r\nHost: evil")],
  ])("%s: 401 SETUP_TOKEN_INVALID", async (_name, token) => {
    expectCatalogued(await login(token), "SETUP_TOKEN_INVALID");
  });

  it("a token longer than a password may be: 400 INVALID_REQUEST, saying which field", async () => {
    const response = await login("QUFB".repeat(100));
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ FlinksCode: "INVALID_REQUEST", Message: expect.stringContaining("Password") });
  });

  it.each([
    ["loopback", "https://127.0.0.1/simplefin/claim/abc"],
    ["loopback, another spelling", "https://127.1/simplefin/claim/abc"],
    ["IPv6 loopback", "https://[::1]/simplefin/claim/abc"],
    ["IPv4-mapped loopback", "https://[::ffff:127.0.0.1]/simplefin/claim/abc"],
    ["a 10.x private network", "https://10.0.0.1/simplefin/claim/abc"],
    ["a 192.168.x private network", "https://192.168.1.20/simplefin/claim/abc"],
    ["the cloud metadata service", "http://169.254.169.254/latest/meta-data/iam/security-credentials/"],
    ["the metadata service over HTTPS", "https://169.254.169.254/latest/meta-data/"],
    ["plain HTTP to a public address", "http://93.184.216.34/simplefin/claim/abc"],
    ["plain HTTP with credentials in it", "http://user:pass@93.184.216.34/simplefin/claim/abc"],
  ])("%s: 401 INSTITUTION_URL_REFUSED", async (_name, url) => {
    expectCatalogued(await login(base64(url)), "INSTITUTION_URL_REFUSED");
  });
});

const SGML_HEADER =
  "OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:102\r\nSECURITY:NONE\r\nENCODING:USASCII\r\nCHARSET:1252\r\nCOMPRESSION:NONE\r\nOLDFILEUID:NONE\r\nNEWFILEUID:NONE\r\n\r\n";
const XML_HEADER =
  '<?xml version="1.0" encoding="UTF-8"?>\n<?OFX OFXHEADER="200" VERSION="211" SECURITY="NONE" OLDFILEUID="NONE" NEWFILEUID="NONE"?>\n';
const SIGNON_OK =
  "<OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS><DTSERVER>20260115<LANGUAGE>ENG</SONRS></SIGNONMSGSRSV1>";
const BILLION_LAUGHS = `${XML_HEADER}<!DOCTYPE OFX [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">]><OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>0</CODE><SEVERITY>INFO</SEVERITY><MESSAGE>&e;</MESSAGE></STATUS></SONRS></SIGNONMSGSRSV1></OFX>`;

/** A signon and an account list a bank would send: what the statement bank answers everything but statements with. */
const SIGNED_ON_WITH_ONE_ACCOUNT =
  `${SGML_HEADER}${SIGNON_OK}<SIGNUPMSGSRSV1><ACCTINFOTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS><ACCTINFORS>` +
  "<DTACCTUP>20260115<ACCTINFO><DESC>Everyday Checking<BANKACCTINFO><BANKACCTFROM><BANKID>011000015<ACCTID>55501234" +
  "<ACCTTYPE>CHECKING</BANKACCTFROM><SUPTXDL>Y<XFERSRC>N<XFERDEST>N<SVCSTATUS>ACTIVE</BANKACCTINFO></ACCTINFO>" +
  "</ACCTINFORS></ACCTINFOTRNRS></SIGNUPMSGSRSV1></OFX>";

/** What each stub bank answers every request with (its profile request too), and the code /Authorize must answer. */
const BROKEN_BANKS: ReadonlyArray<{ id: string; what: string; status?: number; type?: string; body: string | Buffer; code: ErrorCode }> = [
  {
    id: "truncated-sgml",
    what: "truncated SGML",
    body: `${SGML_HEADER}${SIGNON_OK}<SIGNUPMSGSRSV1><ACCTINFOTRNRS><TRNUID>1<STATUS><CODE>0`,
    code: "INSTITUTION_PROTOCOL_ERROR",
  },
  {
    id: "html-page",
    what: "an HTML maintenance page",
    type: "text/html",
    body: "<!DOCTYPE html><html><body><h1>Online banking is down for maintenance</h1></body></html>",
    code: "RETRY_LATER",
  },
  { id: "ten-megabytes", what: "a 10 MB body", body: Buffer.alloc(10 * 1024 * 1024, "A"), code: "INSTITUTION_PROTOCOL_ERROR" },
  { id: "entity-bomb", what: "an entity bomb (billion laughs)", body: BILLION_LAUGHS, code: "INSTITUTION_PROTOCOL_ERROR" },
  {
    id: "unknown-version",
    what: "an unknown OFX version",
    body: `${SGML_HEADER.replace("VERSION:102", "VERSION:104")}${SIGNON_OK}</OFX>`,
    code: "INSTITUTION_PROTOCOL_ERROR",
  },
  {
    id: "unknown-xml-version",
    what: "an unknown OFX 2 version",
    body: `${XML_HEADER.replace('VERSION="211"', 'VERSION="300"')}<OFX></OFX>`,
    code: "INSTITUTION_PROTOCOL_ERROR",
  },
  {
    id: "wrong-encoding",
    what: "bytes invalid in the declared UTF-8",
    body: Buffer.concat([
      Buffer.from(`${XML_HEADER}<OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>0</CODE><MESSAGE>caf`),
      Buffer.from([0xe9, 0xff]),
      Buffer.from("</MESSAGE></STATUS></SONRS></SIGNONMSGSRSV1></OFX>"),
    ]),
    code: "INSTITUTION_PROTOCOL_ERROR",
  },
  {
    id: "unknown-charset",
    what: "an unknown charset",
    body: `${SGML_HEADER.replace("CHARSET:1252", "CHARSET:EBCDIC-037")}${SIGNON_OK}</OFX>`,
    code: "INSTITUTION_PROTOCOL_ERROR",
  },
  {
    id: "json",
    what: "JSON instead of OFX",
    type: "application/json",
    body: '{"error":"unsupported"}',
    code: "INSTITUTION_PROTOCOL_ERROR",
  },
  { id: "empty", what: "an empty body", body: "", code: "INSTITUTION_PROTOCOL_ERROR" },
  { id: "server-error", what: "HTTP 500", status: 500, type: "text/plain", body: "Internal Server Error", code: "RETRY_LATER" },
  {
    id: "not-found",
    what: "HTTP 404 (a wrong URL in the directory)",
    status: 404,
    type: "text/plain",
    body: "",
    code: "DISABLED_INSTITUTION",
  },
];

describe("OFX banks of a directory file answering garbage", () => {
  let t: TestApp;
  let bank: Server;
  const dir = mkdtempSync(join(tmpdir(), "bankgate-ofx-directory-"));
  const requestsByPath = new Map<string, number>();

  beforeAll(async () => {
    bank = createServer((request, response) => {
      const path = request.url ?? "";
      if (path !== "/statements-truncated") request.resume();
      requestsByPath.set(path, (requestsByPath.get(path) ?? 0) + 1);
      if (path === "/statements-truncated") {
        // Signs on and lists an account; its statement answer breaks off.
        const body: Buffer[] = [];
        request.on("data", (chunk: Buffer) => body.push(chunk));
        request.on("end", () => {
          const asksStatement = Buffer.concat(body).toString("latin1").includes("<STMTRQ>");
          const answer = asksStatement
            ? `${SGML_HEADER}${SIGNON_OK}<BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>0`
            : SIGNED_ON_WITH_ONE_ACCOUNT;
          response.writeHead(200, { "content-type": "application/x-ofx" }).end(answer);
        });
        return;
      }
      const answer = BROKEN_BANKS.find((b) => `/${b.id}` === path);
      if (!answer) return void response.writeHead(404).end();
      response.writeHead(answer.status ?? 200, { "content-type": answer.type ?? "application/x-ofx" }).end(answer.body);
    });
    await new Promise<void>((resolve) => bank.listen(0, "127.0.0.1", resolve));
    const origin = `http://127.0.0.1:${(bank.address() as AddressInfo).port}`;
    const institutions = [...BROKEN_BANKS, { id: "statements-truncated", what: "statements cut off" }].map((b, index) => ({
      id: `broken-${b.id}`,
      name: `Broken bank: ${b.what}`,
      institutionId: 60_000 + index,
      url: `${origin}/${b.id}`,
      org: "BROKEN",
      fid: String(1000 + index),
      ofxVersion: 103,
    }));
    const file = join(dir, "institutions.json");
    writeFileSync(file, JSON.stringify({ institutions }));
    t = await createTestApp({
      env: {
        BANKGATE_INSTITUTIONS_FILE: file,
        BANKGATE_CONNECTOR_ALLOW_HTTP: "on",
        BANKGATE_CONNECTOR_ALLOW_PRIVATE_NETWORK: "on",
        BANKGATE_CONNECTOR_TIMEOUT_SECONDS: "20",
        // The data calls answer the aggregation's outcome instead of waiting for it.
        BANKGATE_DATA_SYNC_WAIT_SECONDS: "0",
      },
      runJobs: false,
    });
  });
  afterAll(async () => {
    await t?.close();
    await new Promise<void>((resolve) => (bank ? bank.close(() => resolve()) : resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  it("lists the directory's banks as institutions", async () => {
    const response = await t.app.inject({ method: "GET", url: `/bankgate/v1/institutions`, headers: t.apiKeyHeaders() });
    expect(response.statusCode, response.body.slice(0, 300)).toBe(200);
    for (const b of BROKEN_BANKS) expect(response.body).toContain(`broken-${b.id}`);
  });

  it.each(BROKEN_BANKS.map((b) => [b.what, b] as const))("%s: /Authorize answers its catalogued code, never a 5xx", async (_what, b) => {
    const before = requestsByPath.get(`/${b.id}`) ?? 0;
    const response = await t.authorize({
      Institution: `broken-${b.id}`,
      Username: "someone",
      Password: "secret-password",
      MostRecentCached: false,
      Save: true,
    });
    // The bank was really asked (the profile, then the signon where the profile did not stop it).
    expect(requestsByPath.get(`/${b.id}`) ?? 0).toBeGreaterThan(before);
    expectCatalogued(response, b.code);
    expect(response.body).not.toContain("secret-password");
  });

  it("a bank whose statements break off after a good login: 200, then the data calls answer the catalogued code, never a 5xx", async () => {
    const connected = await t.authorize({
      Institution: "broken-statements-truncated",
      Username: "someone",
      Password: "secret-password",
      MostRecentCached: false,
      Save: true,
    });
    expect(connected.statusCode, connected.body).toBe(200);
    await t.deps.runner.runUntilIdle();
    const detail = await t.post("GetAccountsDetail", { RequestId: connected.json().RequestId }, t.apiKeyHeaders());
    expectCatalogued(detail, "INSTITUTION_PROTOCOL_ERROR");
    const cached = await t.post("Authorize", { LoginId: connected.json().Login.Id, MostRecentCached: true }, t.apiKeyHeaders());
    expectCatalogued(cached, "INSTITUTION_PROTOCOL_ERROR");
  });
});
