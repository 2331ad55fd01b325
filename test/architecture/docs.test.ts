import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { LAYERS } from "./layers.js";

/**
 * The repository stands on its own: its docs name files that exist and links that resolve,
 * the architecture doc's layer table is the enforced one, and nothing cites a document that
 * lives outside the repository.
 */
const ROOT = resolve(import.meta.dirname, "../..");

function walk(dir: string, keep: (path: string) => boolean): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (name === "node_modules" || name === "dist") return [];
    return statSync(join(ROOT, path)).isDirectory() ? walk(path, keep) : keep(path) ? [path] : [];
  });
}

const DOCS = ["README.md", "CONTRIBUTING.md", ...walk("docs", (p) => p.endsWith(".md"))].filter((p) => existsSync(join(ROOT, p)));
const read = (path: string) => readFileSync(join(ROOT, path), "utf8");

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  for (const [, heading] of markdown.matchAll(/^#{1,6}\s+(.+)$/gm)) {
    anchors.add(
      (heading ?? "")
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, "")
        .replace(/\s/g, "-"),
    );
  }
  return anchors;
}

describe("the repository's documents", () => {
  it.each(DOCS)("%s names only repository paths that exist", (doc) => {
    const named = [...read(doc).matchAll(/`((?:src|test|docs|bench|widget|scripts)\/[^`\s]*)`/g)].map((m) => m[1] ?? "");
    const concrete = named.filter((path) => !/[<>{}*…]/.test(path)).map((path) => path.replace(/[.,:;)]+$/, ""));
    expect(concrete.filter((path) => !existsSync(join(ROOT, path)))).toEqual([]);
  });

  it.each(DOCS)("%s links only to files and headings that exist", (doc) => {
    const broken: string[] = [];
    for (const [, target] of read(doc).matchAll(/\]\(([^)\s]+)\)/g)) {
      if (!target || /^[a-z]+:/i.test(target)) continue;
      const [file, anchor] = target.split("#") as [string, string | undefined];
      const path = file === "" ? doc : relative(ROOT, resolve(join(ROOT, doc, ".."), file));
      if (!existsSync(join(ROOT, path))) broken.push(target);
      else if (anchor && path.endsWith(".md") && !anchorsOf(read(path)).has(anchor)) broken.push(target);
    }
    expect(broken).toEqual([]);
  });

  it("docs/architecture.md lists the enforced layers, in order", () => {
    const rows = [...read("docs/architecture.md").matchAll(/^\| (\d+) \| (.+?) \|/gm)].map((m) => m[2] ?? "");
    const listed = rows.map((cell) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]));
    expect(listed).toEqual(LAYERS.map((layer) => [...layer]));
  });

  it("cite no document outside the repository", () => {
    // Built from parts so this test does not cite them itself.
    const outside = new RegExp(["\\.\\./sha" + "red", `\\b(?:flinks-api|qua${"lity"}|des${"ign"})\\.md\\b`].join("|"));
    const sources = ["src", "test", "docs", "bench", "widget/src", "dashboard/src", "ui-shared", "scripts"].flatMap((dir) =>
      walk(dir, (p) => /\.(ts|tsx|js|mjs|md)$/.test(p)),
    );
    const citing = [...sources, ...DOCS].filter((path) => outside.test(read(path)));
    expect(citing).toEqual([]);
  });
});
