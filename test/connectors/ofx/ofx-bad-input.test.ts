import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GuardedHttpClient } from "../../../src/connectors/http/guarded-http-client.js";
import { parseInstitutionDirectory } from "../../../src/connectors/ofx/institution-directory.js";
import { createOfxConnector } from "../../../src/connectors/ofx/ofx-connector.js";
import type { ConnectorContext, Json } from "../../../src/connectors/types.js";
import { ManualClock } from "../../../src/lib/clock.js";
import { MemoryCardVault } from "./ofx-sim-harness.js";

const SGML_HEADER =
  "OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:102\r\nSECURITY:NONE\r\nENCODING:USASCII\r\nCHARSET:1252\r\nCOMPRESSION:NONE\r\nOLDFILEUID:NONE\r\nNEWFILEUID:NONE\r\n\r\n";
const XML_HEADER =
  '<?xml version="1.0" encoding="UTF-8"?>\n<?OFX OFXHEADER="200" VERSION="211" SECURITY="NONE" OLDFILEUID="NONE" NEWFILEUID="NONE"?>\n';
const SIGNON_OK =
  "<OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS><DTSERVER>20260115<LANGUAGE>ENG</SONRS></SIGNONMSGSRSV1>";

/** What a broken or hostile bank answers, by path. */
const ANSWERS: Record<string, { status?: number; type?: string; body: Buffer | string }> = {
  "/truncated": { body: `${SGML_HEADER}${SIGNON_OK}<SIGNUPMSGSRSV1><ACCTINFOTRNRS><TRNUID>1<STATUS><CODE>0` },
  "/wrong-encoding": {
    body: Buffer.concat([
      Buffer.from(`${XML_HEADER}<OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>0</CODE><MESSAGE>caf`),
      Buffer.from([0xe9, 0xff]),
      Buffer.from("</MESSAGE></STATUS></SONRS></SIGNONMSGSRSV1></OFX>"),
    ]),
  },
  "/unknown-charset": { body: `${SGML_HEADER.replace("CHARSET:1252", "CHARSET:EBCDIC-037")}${SIGNON_OK}</OFX>` },
  "/huge": { body: Buffer.alloc(10 * 1024 * 1024, 0x41) },
  "/entity-bomb": {
    body: `${XML_HEADER}<!DOCTYPE OFX [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>0</CODE><MESSAGE>&c;</MESSAGE></STATUS></SONRS></SIGNONMSGSRSV1></OFX>`,
  },
  "/unknown-version": { body: `${SGML_HEADER.replace("VERSION:102", "VERSION:104")}${SIGNON_OK}</OFX>` },
  "/deep": { body: `${SGML_HEADER}<OFX>${"<X>".repeat(5_000)}${"</X>".repeat(5_000)}</OFX>` },
  "/no-signon": { body: `${SGML_HEADER}<OFX><BANKMSGSRSV1></BANKMSGSRSV1></OFX>` },
  "/bad-status": {
    body: `${SGML_HEADER}<OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>OK<SEVERITY>INFO</STATUS></SONRS></SIGNONMSGSRSV1></OFX>`,
  },
  "/json": { type: "application/json", body: '{"error":"unsupported"}' },
  "/empty": { body: "" },
  "/html": { type: "text/html", body: "<!DOCTYPE html><html><body><h1>Scheduled maintenance</h1></body></html>" },
  "/html-unlabelled": { type: "application/x-ofx", body: "<html><body>Oops</body></html>" },
  "/error-500": { status: 500, type: "text/plain", body: "Internal Server Error" },
  "/bad-request": { status: 400, type: "text/plain", body: "Bad Request" },
  "/not-found": { status: 404, type: "text/plain", body: "Not Found" },
  // OFX labelled as HTML, as some banks' servers do: the bytes decide.
  "/ofx-labelled-html": {
    type: "text/html",
    body: `${SGML_HEADER}${SIGNON_OK}<SIGNUPMSGSRSV1><ACCTINFOTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS><ACCTINFORS><DTACCTUP>20260115</ACCTINFORS></ACCTINFOTRNRS></SIGNUPMSGSRSV1></OFX>`,
  },
};

let server: Server;
let origin = "";
const clock = new ManualClock();

beforeAll(async () => {
  server = createServer((request, response) => {
    request.resume();
    if (request.url === "/reset") return void request.socket.destroy();
    const answer = ANSWERS[request.url ?? ""] ?? { status: 404, body: "" };
    response.writeHead(answer.status ?? 200, { "content-type": answer.type ?? "application/x-ofx" }).end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function connectorAt(path: string) {
  const [institution] = parseInstitutionDirectory(
    JSON.stringify({
      institutions: [{ id: "broken", name: "Broken Bank", institutionId: 9, url: `${origin}${path}`, org: "B", fid: "1" }],
    }),
  );
  if (!institution) throw new Error("no institution");
  return createOfxConnector(institution);
}

function context(): ConnectorContext {
  let draws = 0;
  return {
    clock,
    randomInt: (max) => draws++ % max,
    memory: { read: async () => null, write: async () => {} },
    http: new GuardedHttpClient({ allowHttp: true, allowPrivateAddresses: false, trustedOrigins: [origin] }),
    vault: new MemoryCardVault(),
    attended: true,
  };
}

/** A state the connector would have written after a login, to drive fetchData at the same bank. */
const AUTHORIZED_STATE: Json = {
  v: 1,
  userId: "someone",
  password: "secret",
  language: "en",
  clientUid: "22576921-8E39-4A82-9E3E-EDDB121ADDEE",
  profile: { clientUidRequired: false, mfaSupported: true, mfaFirst: false, authTokenFirst: false, bankClosing: false, cardClosing: false },
  pending: null,
  authToken: null,
  mfaAnswers: null,
};

describe("OFX connector on bad protocol input: a catalogued failure, never a throw", () => {
  it.each([
    ["/truncated", "INSTITUTION_PROTOCOL_ERROR"],
    ["/wrong-encoding", "INSTITUTION_PROTOCOL_ERROR"],
    ["/unknown-charset", "INSTITUTION_PROTOCOL_ERROR"],
    ["/huge", "INSTITUTION_PROTOCOL_ERROR"],
    ["/entity-bomb", "INSTITUTION_PROTOCOL_ERROR"],
    ["/unknown-version", "INSTITUTION_PROTOCOL_ERROR"],
    ["/deep", "INSTITUTION_PROTOCOL_ERROR"],
    ["/no-signon", "INSTITUTION_PROTOCOL_ERROR"],
    ["/bad-status", "INSTITUTION_PROTOCOL_ERROR"],
    ["/json", "INSTITUTION_PROTOCOL_ERROR"],
    ["/empty", "INSTITUTION_PROTOCOL_ERROR"],
    ["/bad-request", "INSTITUTION_PROTOCOL_ERROR"],
    ["/html", "RETRY_LATER"],
    ["/html-unlabelled", "RETRY_LATER"],
    ["/error-500", "RETRY_LATER"],
    ["/reset", "RETRY_LATER"],
    ["/not-found", "DISABLED_INSTITUTION"],
  ])("%s: login and data fetch fail with %s", async (path, code) => {
    const connector = connectorAt(path);
    await expect(connector.start({ username: "someone", password: "secret", language: "en" }, context())).resolves.toEqual({
      kind: "failed",
      code,
    });
    await expect(connector.fetchData(AUTHORIZED_STATE, context())).resolves.toEqual({ kind: "failed", code });
  });

  it("reads OFX that its server labels text/html", async () => {
    const connector = connectorAt("/ofx-labelled-html");
    expect((await connector.start({ username: "someone", password: "secret", language: "en" }, context())).kind).toBe("authorized");
    expect(await connector.fetchData(AUTHORIZED_STATE, context())).toMatchObject({ kind: "data", data: { accounts: [] } });
  });
});
