import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/**
 * `bankgate/client` must run where the server cannot (a browser bundle, a test that does not
 * install better-sqlite3): its JavaScript imports nothing outside src/client/, and bankgate/playwright
 * nothing outside src/playwright/ (playwright-core is the caller's). Each module is
 * compiled as tsc compiles it for dist/ (type imports erased) and the imports left in the
 * output are read back: the import graph of the built client.
 */
const SRC = resolve(import.meta.dirname, "../../src");
// bankgate/playwright too: it must not load playwright-core (an optional peer) at run time.
const modules = ["client", "playwright"].flatMap((folder) =>
  readdirSync(join(SRC, folder))
    .filter((name) => name.endsWith(".ts"))
    .map((name) => `${folder}/${name}`),
);

function runtimeImportsOf(file: string): string[] {
  const { outputText } = ts.transpileModule(readFileSync(join(SRC, file), "utf8"), {
    fileName: file,
    compilerOptions: { module: ts.ModuleKind.NodeNext, target: ts.ScriptTarget.ES2022 },
  });
  return ts.preProcessFile(outputText, true, true).importedFiles.map((imported) => imported.fileName);
}

describe("the built bankgate/client and bankgate/playwright", () => {
  it("has modules to check", () => {
    expect(modules).toEqual(expect.arrayContaining(["client/index.ts", "playwright/index.ts"]));
  });

  it.each(modules)("%s imports at runtime only modules of its own folder (no server, no package, no Node built-in)", (file) => {
    const outside = runtimeImportsOf(file).filter((specifier) => !/^\.\/[a-z0-9-]+\.js$/.test(specifier));
    expect(outside).toEqual([]);
  });

  it("would catch a value import of the server (the check can fail)", () => {
    const { outputText } = ts.transpileModule('import { buildApp } from "../app.js"; export const app = buildApp;', {
      compilerOptions: { module: ts.ModuleKind.NodeNext, target: ts.ScriptTarget.ES2022 },
    });
    expect(ts.preProcessFile(outputText, true, true).importedFiles.map((i) => i.fileName)).toEqual(["../app.js"]);
  });
});
