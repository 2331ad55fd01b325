// Writes the generated docs from the compiled sources (run through `npm run docs`):
// docs/errors.md from the error catalogue, docs/configuration.md from the config schema,
// docs/cli.md from the command definitions.
import { writeFileSync } from "node:fs";
import { renderCliDoc } from "../dist/cli/render-cli-doc.js";
import { renderConfigDoc } from "../dist/config/render-config-doc.js";
import { renderErrorsDoc } from "../dist/errors/render-errors-doc.js";

writeFileSync(new URL("../docs/errors.md", import.meta.url), renderErrorsDoc());
writeFileSync(new URL("../docs/configuration.md", import.meta.url), renderConfigDoc());
writeFileSync(new URL("../docs/cli.md", import.meta.url), renderCliDoc());
