import { afterAll, describe, expect, it } from "vitest";
import { describeOfxSim, type StartedOfxSim, startOfxSim } from "../../../src/sim/ofx/start-ofx-sim.js";

/** `npm run sim -- ofx`: the simulator alone, on 127.0.0.1, answering OFX at each bank's URL. */
describe("start-ofx-sim", () => {
  let sim: StartedOfxSim | undefined;
  afterAll(() => sim?.app.close());

  it("listens on loopback, names each bank's URL, and answers a profile request there", async () => {
    sim = await startOfxSim(["--port", "0", "--seed", "s"]);
    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(describeOfxSim(sim.url)).toContain(`${sim.url}/ofxsim  ORG OFXSIM, FID 7001`);
    const profile = [
      "OFXHEADER:100",
      "DATA:OFXSGML",
      "VERSION:102",
      "SECURITY:NONE",
      "ENCODING:USASCII",
      "CHARSET:1252",
      "COMPRESSION:NONE",
      "OLDFILEUID:NONE",
      "NEWFILEUID:NONE",
      "",
      "<OFX><SIGNONMSGSRQV1><SONRQ><DTCLIENT>20260105120000<USERID>anonymous00000000000000000000000<USERPASS>anonymous00000000000000000000000",
      "<LANGUAGE>ENG<FI><ORG>OFXSIMC<FID>7002</FI><APPID>QWIN<APPVER>2700</SONRQ></SIGNONMSGSRQV1>",
      "<PROFMSGSRQV1><PROFTRNRQ><TRNUID>1<PROFRQ><CLIENTROUTING>NONE<DTPROFUP>19900101</PROFRQ></PROFTRNRQ></PROFMSGSRQV1></OFX>",
    ].join("\r\n");
    const response = await fetch(`${sim.url}/ofxsim-classic`, {
      method: "POST",
      headers: { "content-type": "application/x-ofx" },
      body: profile,
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("<PROFRS>");
  });

  it("refuses a half-given certificate and a port out of range", async () => {
    await expect(startOfxSim(["--cert", "cert.pem"])).rejects.toThrow("--cert and --key go together");
    await expect(startOfxSim(["--port", "70000"])).rejects.toThrow(RangeError);
  });
});
