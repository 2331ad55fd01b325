import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderErrorsDoc } from "../../src/errors/render-errors-doc.js";

describe("docs/errors.md", () => {
  it("is the catalogue as generated (run `npm run docs:errors` after changing it)", () => {
    expect(readFileSync(new URL("../../docs/errors.md", import.meta.url), "utf8")).toBe(renderErrorsDoc());
  });
});
