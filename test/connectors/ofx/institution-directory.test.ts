import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InstitutionDirectoryError, parseInstitutionDirectory } from "../../../src/connectors/ofx/institution-directory.js";
import { loadInstitutionDirectory } from "../../../src/connectors/ofx/load-institution-directory.js";
import { createOfxConnectors } from "../../../src/connectors/ofx/ofx-connector.js";

const ENTRY = {
  id: "first-community",
  name: "First Community CU",
  institutionId: 50001,
  url: "https://ofx.example-cu.org/ofx",
  org: "FCCU",
  fid: "12345",
};

function errorOf(directory: unknown): string {
  try {
    parseInstitutionDirectory(typeof directory === "string" ? directory : JSON.stringify(directory), "institutions.json");
  } catch (error) {
    if (error instanceof InstitutionDirectoryError) return error.message;
    throw error;
  }
  throw new Error("accepted");
}

describe("OFX institution directory", () => {
  it("fills the defaults of a minimal entry and makes one connector per entry", () => {
    const directory = parseInstitutionDirectory(
      JSON.stringify({ institutions: [ENTRY, { ...ENTRY, id: "second", institutionId: 50002, ofxVersion: 220, bankId: "011000015" }] }),
    );
    expect(directory[0]).toEqual({
      ...ENTRY,
      bankId: undefined,
      ofxVersion: 102,
      appId: "QWIN",
      appVer: "2700",
      clientUidRequired: false,
      extraHeaders: {},
      historyDays: 365,
      windowDays: 90,
      country: "US",
      timeoutSeconds: 30,
    });
    expect(createOfxConnectors(directory).map((c) => [c.id, c.institutionId, c.name])).toEqual([
      ["first-community", 50001, "First Community CU"],
      ["second", 50002, "First Community CU"],
    ]);
  });

  it.each([
    ["not JSON", "{", /institutions.json is not valid JSON/],
    ["no list", { banks: [] }, /must be an object with an "institutions" array/],
    [
      "a missing URL",
      { institutions: [{ ...ENTRY, url: undefined }] },
      /institutions\[0\] \(id "first-community"\): "url" must be an absolute http\(s\) URL/,
    ],
    [
      "credentials in the URL",
      { institutions: [{ ...ENTRY, url: "https://me:pw@ofx.example.org/" }] },
      /"url" must be an absolute http\(s\) URL without user name or password/,
    ],
    ["a file: URL", { institutions: [{ ...ENTRY, url: "file:///etc/passwd" }] }, /"url"/],
    ["an unknown OFX version", { institutions: [{ ...ENTRY, ofxVersion: 230 }] }, /"ofxVersion" must be one of 102, 103/],
    ["a bad id", { institutions: [{ ...ENTRY, id: "has space" }] }, /institutions\[0\] \(id "has space"\): "id" must be/],
    ["a missing institutionId", { institutions: [{ ...ENTRY, institutionId: undefined }] }, /"institutionId" must be an integer from 1/],
    ["an unknown field", { institutions: [{ ...ENTRY, pasword: "x" }] }, /"pasword" must be one of the known fields/],
    ["a header with a line break", { institutions: [{ ...ENTRY, extraHeaders: { "User-Agent": "a\r\nX-Evil: 1" } }] }, /"extraHeaders"/],
    ["a window longer than allowed", { institutions: [{ ...ENTRY, windowDays: 400 }] }, /"windowDays" must be an integer from 1 to 365/],
    [
      "the second entry wrong",
      { institutions: [ENTRY, { ...ENTRY, id: "bb", institutionId: 2, fid: 7 }] },
      /institutions\[1\] \(id "bb"\): "fid" must be/,
    ],
    ["a duplicate id", { institutions: [ENTRY, { ...ENTRY, institutionId: 2 }] }, /id "first-community" appears twice/],
    ["a duplicate institutionId", { institutions: [ENTRY, { ...ENTRY, id: "other" }] }, /institutionId 50001 appears twice/],
  ])("refuses %s with a message naming the entry and field", (_name, directory, message) => {
    expect(errorOf(directory)).toMatch(message);
  });

  it("reads YAML as well as JSON, and refuses YAML that is not a directory or expands without bound", () => {
    const yaml = [
      "institutions:",
      "  - id: first-community",
      "    name: First Community CU",
      "    institutionId: 50001",
      "    url: https://ofx.example-cu.org/ofx",
      "    org: FCCU",
      '    fid: "12345"',
    ].join("\n");
    expect(parseInstitutionDirectory(yaml)).toEqual(parseInstitutionDirectory(JSON.stringify({ institutions: [ENTRY] })));
    expect(errorOf("institutions: [unclosed")).toMatch(/not valid JSON or YAML/);
    expect(errorOf("- just\n- a list")).toMatch(/"institutions" array/);
    // A "billion laughs": each level ten aliases of the one before.
    const levels = "abcdefghijklm".split("");
    const bomb = levels
      .map((name, i) =>
        i === 0
          ? `${name}: &${name} [x, x, x, x, x, x, x, x, x, x]`
          : `${name}: &${name} [${Array(10)
              .fill(`*${levels[i - 1]}`)
              .join(", ")}]`,
      )
      .join("\n");
    expect(errorOf(bomb)).toMatch(/not valid JSON or YAML/);
  });

  it("loads a file, and names the file it cannot read", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ofx-directory-"));
    try {
      const path = join(dir, "institutions.json");
      writeFileSync(path, JSON.stringify({ institutions: [ENTRY] }));
      expect((await loadInstitutionDirectory(path)).map((i) => i.id)).toEqual(["first-community"]);
      await expect(loadInstitutionDirectory(join(dir, "missing.json"))).rejects.toThrow(
        /cannot read the OFX institution directory .*missing\.json: ENOENT/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
