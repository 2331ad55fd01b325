import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { GuardedHttpClient } from "../../../src/connectors/http/guarded-http-client.js";
import { aggregate, childrenOf, element, type OfxElement, pathOf, textAt } from "../../../src/connectors/ofx/codec/ofx-element.js";
import { parseOfx } from "../../../src/connectors/ofx/codec/parse-ofx.js";
import { serializeOfx } from "../../../src/connectors/ofx/codec/serialize-ofx.js";
import { parseInstitutionDirectory } from "../../../src/connectors/ofx/institution-directory.js";
import { createOfxConnector } from "../../../src/connectors/ofx/ofx-connector.js";
import { readSignonReply } from "../../../src/connectors/ofx/read-signon.js";
import type { ConnectorContext, Json, StepResult } from "../../../src/connectors/types.js";
import { ManualClock } from "../../../src/lib/clock.js";
import { MemoryCardVault } from "./ofx-sim-harness.js";

/**
 * The MFA path has no third-party client to check it, so the specification's own worked
 * examples (OFX 2.1.1 §2.5.6, in test/fixtures/ofx/) play the bank: a server answers the
 * connector with the example's responses, and the connector's requests are compared with the
 * example's requests.
 */
const fixture = (name: string) => readFileSync(new URL(`../../fixtures/ofx/spec-2.5.6-${name}.ofx`, import.meta.url));
const parsedFixture = (name: string) => parseOfx(fixture(name)).root;

/** The bank's profile (not part of the example): CLIENTUID required, MFA supported. */
const PROFILE = aggregate(
  "PROFMSGSRSV1",
  aggregate(
    "PROFTRNRS",
    element("TRNUID", "1"),
    aggregate("STATUS", element("CODE", 0), element("SEVERITY", "INFO")),
    aggregate(
      "PROFRS",
      aggregate("MSGSETLIST"),
      aggregate(
        "SIGNONINFOLIST",
        aggregate("SIGNONINFO", element("SIGNONREALM", "R"), element("CLIENTUIDREQ", "Y"), element("MFACHALLENGESUPT", "Y")),
      ),
    ),
  ),
);

let server: Server;
let origin = "";
let mode: "mfa" | "authtoken" = "mfa";
const requests: OfxElement[] = [];

function respond(request: OfxElement): OfxElement {
  const sonrq = pathOf(request, "SIGNONMSGSRQV1/SONRQ");
  if (pathOf(request, "PROFMSGSRQV1")) return aggregate("OFX", ...parsedFixture("mfa-6-accesskey-response").children.slice(0, 1), PROFILE);
  let reply: OfxElement;
  if (mode === "authtoken") {
    reply =
      textAt(sonrq, "AUTHTOKEN") === "1234567890"
        ? parsedFixture("mfa-6-accesskey-response")
        : parsedFixture("authtoken-2-needs-token-response");
  } else if (childrenOf(sonrq, "MFACHALLENGEA").length > 0) {
    const answers = Object.fromEntries(childrenOf(sonrq, "MFACHALLENGEA").map((a) => [textAt(a, "MFAPHRASEID"), textAt(a, "MFAPHRASEA")]));
    const right = answers.MFA13 === "1234" && answers["123"] === "Anytown" && Boolean(answers.MFA107);
    reply = right ? parsedFixture("mfa-6-accesskey-response") : { ...parsedFixture("mfa-2-needs-mfa-response") };
    if (!right) reply = withCode(reply, "3001");
  } else if (pathOf(request, "SIGNONMSGSRQV1/MFACHALLENGETRNRQ")) {
    reply = parsedFixture("mfa-4-challenge-response");
  } else {
    reply = parsedFixture("mfa-2-needs-mfa-response");
  }
  // The example shows the signon alone; the connector also lists the accounts, which this bank has none of.
  const signedOn = textAt(reply, "SIGNONMSGSRSV1/SONRS/STATUS/CODE") === "0" && !pathOf(reply, "SIGNONMSGSRSV1/MFACHALLENGETRNRS");
  if (signedOn && pathOf(request, "SIGNUPMSGSRQV1")) {
    const accounts = aggregate(
      "SIGNUPMSGSRSV1",
      aggregate(
        "ACCTINFOTRNRS",
        element("TRNUID", "1"),
        aggregate("STATUS", element("CODE", 0), element("SEVERITY", "INFO")),
        aggregate("ACCTINFORS", element("DTACCTUP", "20060321")),
      ),
    );
    reply = aggregate("OFX", ...reply.children, accounts);
  }
  return reply;
}

function withCode(reply: OfxElement, code: string): OfxElement {
  const copy = JSON.parse(JSON.stringify(reply)) as OfxElement;
  const codeElement = pathOf(copy, "SIGNONMSGSRSV1/SONRS/STATUS/CODE");
  if (codeElement) codeElement.text = code;
  return copy;
}

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const parsed = parseOfx(Buffer.concat(chunks)).root;
      requests.push(parsed);
      response.writeHead(200, { "content-type": "application/x-ofx" }).end(serializeOfx(respond(parsed), { version: 203 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  requests.length = 0;
});

const clock = new ManualClock(new Date("2006-03-21T08:30:10.000Z"));
function context(vault: MemoryCardVault): ConnectorContext {
  let draws = 0;
  return {
    clock,
    randomInt: (max) => (draws++ * 31 + 7) % max,
    memory: { read: async () => null, write: async () => {} },
    http: new GuardedHttpClient({ allowHttp: true, allowPrivateAddresses: false, trustedOrigins: [origin] }),
    vault,
    attended: true,
  };
}

function exampleBank() {
  const directory = {
    institutions: [
      {
        id: "abc",
        name: "ABC",
        institutionId: 1,
        url: `${origin}/ofx`,
        org: "ABC",
        fid: "000111222",
        ofxVersion: 203,
        appId: "MyApp",
        appVer: "1600",
      },
    ],
  };
  const [institution] = parseInstitutionDirectory(JSON.stringify(directory));
  if (!institution) throw new Error("no institution");
  return createOfxConnector(institution);
}

/** The example's CLIENTUID in the vault, as if this card had made it earlier. */
function exampleVault(): MemoryCardVault {
  const vault = new MemoryCardVault();
  vault.value = { clientUid: "22576921-8E39-4A82-9E3E-EDDB121ADDEE" };
  return vault;
}

/** A SONRQ as a list of element names and values, the time and the client's own answer left out. */
function shape(request: OfxElement): string[] {
  const sonrq = pathOf(request, "SIGNONMSGSRQV1/SONRQ");
  const lines: string[] = [];
  const walk = (node: OfxElement, path: string) => {
    for (const child of node.children) {
      const at = `${path}/${child.name}`;
      if (child.text === undefined) walk(child, at);
      else lines.push(child.name === "DTCLIENT" ? at : `${at}=${child.text}`);
    }
  };
  if (sonrq) walk(sonrq, "SONRQ");
  return lines.map((line) => line.replace(/(MFAPHRASEA)=(?!1234$|Anytown$).*/, "$1=<client>"));
}

const state = (result: StepResult) => JSON.parse(JSON.stringify(result.kind === "failed" ? null : result.connectorState)) as Json;

describe("OFX 2.1.1 §2.5.6 worked examples", () => {
  it("the codec reads the example's challenge list: a standard phrase, a client phrase, a bank question", () => {
    expect(readSignonReply(parsedFixture("mfa-4-challenge-response"))?.challenges).toEqual([
      { phraseId: "MFA13", label: "Please enter the last four digits of your social security number" },
      { phraseId: "MFA107", label: undefined },
      { phraseId: "123", label: "With which branch is your account associated?" },
    ]);
    expect(readSignonReply(parsedFixture("mfa-6-accesskey-response"))).toMatchObject({
      code: 0,
      accessKey: "EE225228-38E6-4E35-8266-CD69B5370675",
    });
    expect(textAt(parsedFixture("extra-credentials-request"), "SIGNONMSGSRQV1/SONRQ/USERCRED2")).toBe("MyID");
  });

  it("MFA: 3000, the challenges, the answers (MFA107 by the connector), the ACCESSKEY; requests shaped as the example's", async () => {
    mode = "mfa";
    const vault = exampleVault();
    const started = await exampleBank().start({ username: "12345", password: "MyPassword", language: "en" }, context(vault));
    expect(started).toMatchObject({
      kind: "challenged",
      challenges: [
        { type: "QuestionAndAnswer", prompt: "What are the last four digits of your Social Security number?" },
        { type: "QuestionAndAnswer", prompt: "With which branch is your account associated?" },
      ],
    });
    const challengeRequest = requests.find((r) => pathOf(r, "SIGNONMSGSRQV1/MFACHALLENGETRNRQ"));
    expect(challengeRequest && shape(challengeRequest)).toEqual(shape(parsedFixture("mfa-3-challenge-request")));
    expect(challengeRequest && textAt(challengeRequest, "SIGNONMSGSRQV1/MFACHALLENGETRNRQ/MFACHALLENGERQ/DTCLIENT")).toMatch(
      /^20060321083010/,
    );

    const wrong = await exampleBank().answer(
      {
        "What are the last four digits of your Social Security number?": ["9999"],
        "With which branch is your account associated?": ["Anytown"],
      },
      state(started),
      context(vault),
    );
    expect(wrong).toEqual({ kind: "failed", code: "INVALID_SECURITY_RESPONSE" });
    requests.length = 0;
    const answered = await exampleBank().answer(
      {
        "What are the last four digits of your Social Security number?": ["1234"],
        "With which branch is your account associated?": ["Anytown"],
      },
      state(started),
      context(vault),
    );
    expect(answered.kind).toBe("authorized");
    expect(shape(parsedFixture("mfa-5-answers-request"))).toContain("SONRQ/MFACHALLENGEA/MFAPHRASEA=1234");
    expect(requests[0] && shape(requests[0])).toEqual(shape(parsedFixture("mfa-5-answers-request")));
    expect(vault.value).toMatchObject({ accessKey: "EE225228-38E6-4E35-8266-CD69B5370675" });
  });

  it("AUTHTOKEN: 15512 asks for the token, which goes in the next signon as the example's", async () => {
    mode = "authtoken";
    const vault = exampleVault();
    const started = await exampleBank().start({ username: "12345", password: "MyPassword", language: "en" }, context(vault));
    expect(started).toMatchObject({
      kind: "challenged",
      challenges: [{ type: "QuestionAndAnswer", prompt: "Authentication token from your bank" }],
    });
    requests.length = 0;
    const answered = await exampleBank().answer({ "Authentication token from your bank": ["1234567890"] }, state(started), context(vault));
    expect(answered.kind).toBe("authorized");
    expect(requests[0] && shape(requests[0])).toEqual(shape(parsedFixture("authtoken-3-token-request")));
  });
});
