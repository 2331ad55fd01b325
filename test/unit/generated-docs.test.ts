import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderCliDoc } from "../../src/cli/render-cli-doc.js";
import { renderConfigDoc } from "../../src/config/render-config-doc.js";
import { renderErrorsDoc } from "../../src/errors/render-errors-doc.js";

const doc = (name: string) => readFileSync(new URL(`../../docs/${name}`, import.meta.url), "utf8");

describe("generated docs (run `npm run docs` after changing their sources)", () => {
  it("docs/errors.md is the error catalogue", () => {
    expect(doc("errors.md")).toBe(renderErrorsDoc());
  });

  it("docs/configuration.md is the config schema", () => {
    expect(doc("configuration.md")).toBe(renderConfigDoc());
  });

  it("docs/cli.md is the command line's definitions", () => {
    expect(doc("cli.md")).toBe(renderCliDoc());
  });
});
