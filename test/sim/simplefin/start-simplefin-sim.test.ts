import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type StartedSimpleFinSim, startSimpleFinSim } from "../../../src/sim/simplefin/start-simplefin-sim.js";

/** The standalone simulator: 127.0.0.1 only, HTTPS from --cert/--key, a fresh token for the asked scenario. */
const dir = mkdtempSync(join(tmpdir(), "simplefin-sim-"));
const cert = join(dir, "cert.pem");
const key = join(dir, "key.pem");
let sim: StartedSimpleFinSim;

function httpsText(url: string, method: "GET" | "POST", ca: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method, ca, headers: { "content-length": "0" } }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
    });
    outgoing.on("error", reject);
    outgoing.end();
  });
}

beforeAll(async () => {
  // A throwaway self-signed certificate for 127.0.0.1 (openssl is a Debian base package).
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-days",
      "1",
      "-keyout",
      key,
      "-out",
      cert,
      "-subj",
      "/CN=127.0.0.1",
      "-addext",
      "subjectAltName=IP:127.0.0.1",
    ],
    { stdio: "ignore" },
  );
  sim = await startSimpleFinSim(["--cert", cert, "--key", key, "--scenario", "v1_only", "--user", "tess"]);
});
afterAll(async () => {
  await sim?.app.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("start-simplefin-sim", () => {
  it("serves HTTPS on 127.0.0.1 and hands out a token that claims an HTTPS access URL", async () => {
    const ca = readFileSync(cert);
    expect(sim.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/simplefin$/);
    const claimUrl = Buffer.from(sim.setupToken, "base64").toString("utf8");
    expect(claimUrl.startsWith(`${sim.url}/claim/`)).toBe(true);
    const claimed = await httpsText(claimUrl, "POST", ca);
    expect(claimed.status).toBe(200);
    const access = new URL(claimed.body);
    expect(access.protocol).toBe("https:");
    const info = await httpsText(`${sim.url}/info`, "GET", ca);
    expect(JSON.parse(info.body)).toEqual({ versions: ["1.0", "2.0"] });
  });

  it("refuses a certificate without its key and a bad port", async () => {
    await expect(startSimpleFinSim(["--cert", cert])).rejects.toThrow("--cert and --key go together");
    await expect(startSimpleFinSim(["--port", "70000"])).rejects.toThrow(RangeError);
    await expect(startSimpleFinSim(["--scenario", "nope"])).rejects.toThrow("unknown scenario");
  });
});
