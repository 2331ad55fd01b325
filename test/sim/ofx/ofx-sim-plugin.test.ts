import { readFileSync } from "node:fs";
import Fastify, { type FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { accountInfoMessages, signonMessages, statementMessages } from "../../../src/connectors/ofx/build-requests.js";
import { aggregate, textAt } from "../../../src/connectors/ofx/codec/ofx-element.js";
import type { OfxVersion } from "../../../src/connectors/ofx/codec/ofx-versions.js";
import { parseOfx } from "../../../src/connectors/ofx/codec/parse-ofx.js";
import { serializeOfx } from "../../../src/connectors/ofx/codec/serialize-ofx.js";
import { readAccountList, readStatement } from "../../../src/connectors/ofx/read-statements.js";
import { ManualClock } from "../../../src/lib/clock.js";
import { ofxSimPlugin } from "../../../src/sim/ofx/ofx-sim-plugin.js";
import type { SimUser } from "../../../src/sim/ofx/sim-users.js";

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

async function simulator(seed = "seed-1", users: Record<string, SimUser> = {}): Promise<FastifyInstance> {
  const app = Fastify();
  await app.register(ofxSimPlugin, { prefix: "/sim/ofx", clock: new ManualClock(), seed, users });
  apps.push(app);
  return app;
}

function signon(
  userId: string,
  version: OfxVersion,
  extra: { mfaAnswers?: Array<{ phraseId: string; answer: string }>; accessKey?: string } = {},
  list = true,
): Buffer {
  const fields = {
    now: new Date("2026-01-15T15:00:00Z"),
    userId,
    password: "Everyday",
    org: "OFXSIM",
    fid: "7001",
    appId: "QWIN",
    appVer: "2700",
    clientUid: "C1",
    ...extra,
  };
  return serializeOfx(aggregate("OFX", signonMessages(fields), list ? accountInfoMessages("T1") : undefined), { version });
}

const post = (app: FastifyInstance, bank: string, body: Buffer | string, contentType = "application/x-ofx") =>
  app.inject({ method: "POST", url: `/sim/ofx/${bank}`, headers: { "content-type": contentType }, payload: body });

describe("OFX simulator plugin", () => {
  it.each([
    [102, "sgml", /^OFXHEADER:100\r\n/],
    [160, "sgml", /^OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:160/],
    [203, "xml", /^<\?xml version="1.0" encoding="UTF-8" standalone="no"\?>\r\n<\?OFX OFXHEADER="200" VERSION="203"/],
    [220, "xml", /VERSION="220"/],
  ] as const)("answers an OFX %i request in its own version and syntax", async (version, syntax, start) => {
    const response = await post(await simulator(), "ofxsim", signon("greatday_nomfa", version));
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toMatch(/^application\/x-ofx/);
    expect(response.body).toMatch(start);
    const answer = parseOfx(response.rawPayload);
    expect([answer.version, answer.syntax]).toEqual([version, syntax]);
    expect(textAt(answer.root, "SIGNUPMSGSRSV1/ACCTINFOTRNRS/TRNUID")).toBe("T1");
  });

  it("accepts any content type, as OFX clients send text/plain or nothing useful", async () => {
    expect((await post(await simulator(), "ofxsim", signon("greatday_nomfa", 102), "text/plain")).statusCode).toBe(200);
  });

  it.each([
    ["an unknown bank", "nobank", signon("greatday_nomfa", 102), 404],
    ["JSON", "ofxsim", '{"hello":1}', 400],
    ["a truncated request", "ofxsim", signon("greatday_nomfa", 102).subarray(0, 300), 400],
  ])("refuses %s with a plain-text error", async (_name, bank, body, status) => {
    const response = await post(await simulator(), bank, body);
    expect(response.statusCode).toBe(status);
    expect(response.headers["content-type"]).toMatch(/^text\/plain/);
  });

  it("issues ACCESSKEYs from its seed: two registrations with one seed agree, another seed differs, neither shares what it remembers", async () => {
    const answers = {
      mfaAnswers: [
        { phraseId: "MFA1", answer: "Montreal" },
        { phraseId: "MFA107", answer: "agent" },
      ],
    };
    const keyOf = async (app: FastifyInstance) =>
      textAt(parseOfx((await post(app, "ofxsim", signon("greatday", 211, answers))).rawPayload).root, "SIGNONMSGSRSV1/SONRS/ACCESSKEY");
    const [a, b, c] = [await simulator("seed-1"), await simulator("seed-1"), await simulator("seed-2")];
    const key = await keyOf(a);
    expect(key).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-/);
    expect(await keyOf(b)).toBe(key);
    expect(await keyOf(c)).not.toBe(key);
    // The key opens the door only where it was issued.
    const withKey = (app: FastifyInstance) => post(app, "ofxsim", signon("greatday", 211, { accessKey: key }, false));
    expect(textAt(parseOfx((await withKey(a)).rawPayload).root, "SIGNONMSGSRSV1/SONRS/STATUS/CODE")).toBe("0");
    expect(textAt(parseOfx((await withKey(c)).rawPayload).root, "SIGNONMSGSRSV1/SONRS/STATUS/CODE")).toBe("3000");
  });

  it("large_login: a 90-day statement window holds about 1,000 transactions", async () => {
    const app = await simulator();
    const now = new Date("2026-01-15T15:00:00Z");
    const list = parseOfx((await post(app, "ofxsim", signon("large_login", 211))).rawPayload).root;
    const chequing = readAccountList(list)?.accounts[0];
    if (!chequing) throw new Error("no account");
    const fields = {
      now,
      userId: "large_login",
      password: "Everyday",
      org: "OFXSIM",
      fid: "7001",
      appId: "QWIN",
      appVer: "2700",
      clientUid: "C1",
    };
    const window = { start: new Date(now.getTime() - 90 * 86_400_000), end: now };
    const request = serializeOfx(aggregate("OFX", signonMessages(fields), statementMessages(chequing.ref, window, "S1")), { version: 211 });
    const statement = readStatement(parseOfx((await post(app, "ofxsim", request)).rawPayload).root);
    expect(statement?.transactions.length).toBeGreaterThan(900);
    expect(statement?.transactions.length).toBeLessThan(1_100);
  });

  it("scripted users: the embedding app's own MFA phrase and status code, before the catalogue's", async () => {
    const app = await simulator("seed-1", {
      acme_pet: { login: { kind: "mfa", rounds: [[{ phraseId: "PET", label: "What is your pet's name?", answer: "Rex" }]] } },
      greatday_nomfa: { login: { kind: "status", code: 15502, message: "Locked by the script." } },
    });
    const challenge = serializeOfx(
      aggregate(
        "OFX",
        signonMessages(
          {
            now: new Date(),
            userId: "acme_pet+1",
            password: "Everyday",
            org: "OFXSIM",
            fid: "7001",
            appId: "QWIN",
            appVer: "2700",
            clientUid: "C9",
          },
          "M1",
        ),
      ),
      { version: 211 },
    );
    const listed = parseOfx((await post(app, "ofxsim", challenge)).rawPayload).root;
    expect(textAt(listed, "SIGNONMSGSRSV1/MFACHALLENGETRNRS/MFACHALLENGERS/MFACHALLENGE/MFAPHRASELABEL")).toBe("What is your pet's name?");
    const right = parseOfx(
      (await post(app, "ofxsim", signon("acme_pet+1", 211, { mfaAnswers: [{ phraseId: "PET", answer: "rex" }] }))).rawPayload,
    ).root;
    expect(textAt(right, "SIGNONMSGSRSV1/SONRS/STATUS/CODE")).toBe("0");
    const locked = parseOfx((await post(app, "ofxsim", signon("greatday_nomfa", 211))).rawPayload).root;
    expect(textAt(locked, "SIGNONMSGSRSV1/SONRS/STATUS/CODE")).toBe("15502");
  });

  it("answers the specification's own request (OFX 2.1.1 §2.5.6) as a bank that does not know its user", async () => {
    const request = readFileSync(new URL("../../fixtures/ofx/spec-2.5.6-mfa-1-signon-request.ofx", import.meta.url));
    const answer = parseOfx((await post(await simulator(), "ofxsim", request)).rawPayload);
    expect(answer.version).toBe(203);
    expect(textAt(answer.root, "SIGNONMSGSRSV1/SONRS/STATUS/CODE")).toBe("15500");
  });
});
