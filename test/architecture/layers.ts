/**
 * The layers of src/, lowest first: a module imports only from its own folder and from layers
 * before its own — type imports included. Folders listed together form one layer and do not
 * import each other. docs/architecture.md explains each layer; its layer table must list these.
 */
export const LAYERS: readonly (readonly string[])[] = [
  ["lib"],
  ["errors"],
  ["config"],
  // Worker processes: the primary and each worker's line to it (BANKGATE_WORKERS > 1).
  ["cluster"],
  ["connectors"],
  ["sim"],
  ["records"],
  ["vault", "storage"],
  ["queue"],
  ["customers", "security"],
  ["logins"],
  ["statements"],
  ["wire"],
  ["sessions"],
  ["card-data"],
  ["webhooks"],
  ["refresh"],
  ["jobs"],
  ["api"],
  // The composition root: the only modules that pick adapters.
  ["deps.ts"],
  ["app.ts"],
  ["start-banner.ts"],
  ["main.ts"],
  // The typed client of the HTTP API: type imports of the wire and API schemas only, so the
  // built dist/client/ pulls nothing of the server (test/unit/client-import-graph.test.ts).
  ["client"],
  // What the package offers besides the server: the command line, the in-test server and the
  // Playwright helper for the widget.
  ["cli", "testing", "playwright"],
  // `import … from "bankgate"`: the embedding entry point.
  ["index.ts"],
];
