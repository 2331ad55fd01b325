import { cruise, type IForbiddenRuleType } from "dependency-cruiser";
import { describe, expect, it } from "vitest";
import { LAYERS } from "./layers.js";

/** `src/<top>` of a module path: its folder, or the file itself at the root. */
function unitOf(path: string): string {
  return path.replace(/^src\//, "").split("/")[0] ?? path;
}

function pathPattern(unit: string): string {
  const escaped = unit.replace(/\./g, "\\.");
  return unit.endsWith(".ts") ? `^src/${escaped}$` : `^src/${escaped}/`;
}

/** One rule per layer: nothing in it may import a later layer or a sibling folder of its own layer. */
function layerRules(): IForbiddenRuleType[] {
  return LAYERS.flatMap((layer, index) => {
    const later = LAYERS.slice(index + 1).flat();
    return layer.flatMap((unit) => {
      const forbidden = [...later, ...layer.filter((sibling) => sibling !== unit)];
      if (forbidden.length === 0) return [];
      return [
        {
          name: `layer:${unit}`,
          severity: "error" as const,
          from: { path: pathPattern(unit) },
          to: { path: forbidden.map(pathPattern).join("|") },
        },
      ];
    });
  });
}

describe("the dependency direction of src/", async () => {
  const { output } = await cruise(
    ["src"],
    {
      tsPreCompilationDeps: true,
      doNotFollow: { path: "node_modules" },
      validate: true,
      ruleSet: {
        forbidden: [
          ...layerRules(),
          { name: "no-cycle", severity: "error", from: { path: "^src/" }, to: { circular: true } },
          // The domain sees the store through its port interfaces; only the composition roots build one:
          // deps.ts for servers, the CLI's commands for their one-shot operations (migrate, purge…).
          {
            name: "storage-ports-only",
            severity: "error",
            from: { path: "^src/", pathNot: "^src/(storage/|cli/|deps\\.ts$)" },
            to: { path: "^src/storage/", dependencyTypesNot: ["type-only"] },
          },
        ],
      },
    },
    undefined,
    { tsConfig: { fileName: "tsconfig.json" } },
  );
  if (typeof output === "string") throw new Error("dependency-cruiser answered text, not a result");

  it("places every module of src/ in a layer", () => {
    const known = new Set(LAYERS.flat());
    const orphans = output.modules.map((m) => m.source).filter((source) => source.startsWith("src/") && !known.has(unitOf(source)));
    expect(orphans).toEqual([]);
  });

  it("has no import that goes up a layer or across a layer", () => {
    const upward = output.summary.violations.filter((v) => v.rule.name.startsWith("layer:")).map((v) => `${v.from} → ${v.to}`);
    expect(upward).toEqual([]);
  });

  it("has no import cycle", () => {
    const cycles = output.summary.violations
      .filter((v) => v.rule.name === "no-cycle")
      .map((v) => [v.from, ...(v.cycle ?? []).map((step) => (typeof step === "string" ? step : step.name))].join(" → "));
    expect(cycles).toEqual([]);
  });

  it("reaches the store only through its port interfaces (type imports) outside the composition root", () => {
    const concrete = output.summary.violations.filter((v) => v.rule.name === "storage-ports-only").map((v) => `${v.from} → ${v.to}`);
    expect(concrete).toEqual([]);
  });

  it("resolves every relative import", () => {
    const unresolved = output.modules.flatMap((m) =>
      m.dependencies.filter((d) => d.couldNotResolve && d.module.startsWith(".")).map((d) => `${m.source} → ${d.module}`),
    );
    expect(unresolved).toEqual([]);
  });
});
