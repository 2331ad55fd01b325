import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/**
 * `bankgate/client` must run where the server cannot (a browser bundle, a test that does not
 * install better-sqlite3): its JavaScript imports nothing outside src/client/. Each module is
 * compiled as tsc compiles it for dist/ (type imports erased) and the imports left in the
 * output are read back: the import graph of the built client.
 */
const CLIENT = resolve(import.meta.dirname, "../../src/client");
const modules = readdirSync(CLIENT).filter((name) => name.endsWith(".ts"));

function runtimeImportsOf(file: string): string[] {
  const { outputText } = ts.transpileModule(readFileSync(join(CLIENT, file), "utf8"), {
    fileName: file,
    compilerOptions: { module: ts.ModuleKind.NodeNext, target: ts.ScriptTarget.ES2022 },
  });
  return ts.preProcessFile(outputText, true, true).importedFiles.map((imported) => imported.fileName);
}

describe("the built bankgate/client", () => {
  it("has modules to check", () => {
    expect(modules).toContain("index.ts");
  });

  it.each(modules)("%s imports at runtime only modules of src/client/ (no server, no package, no Node built-in)", (file) => {
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
