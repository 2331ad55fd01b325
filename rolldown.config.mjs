// `npm run build:bundle`: the compiled server (dist/main.js, from tsc) bundled into
// dist/bundle/main.js, the file `npm start` runs. Loading ~1,500 small module files took about
// half of a cold start (docs/performance.md, "Cold start"); one file loads in a fraction of that.
// dist/bundle/ is two levels under the repository root like every dist/<layer>/ module, so paths
// computed from import.meta.url (the widget's files in dist/connect/) stay right.
//
// Kept outside the bundle: packages that find their own files next to their code at run time
// (better-sqlite3's native addon, the swagger plugins' static files) and pg, which is imported
// only when DATABASE_URL selects PostgreSQL. pino is bundled: its files are found at run time
// only by its transports (worker threads), which bankgate never starts (it logs to its own stream).
const EXTERNAL = ["better-sqlite3", "pg", "@fastify/swagger", "@fastify/swagger-ui"];

export default {
  input: "dist/main.js",
  platform: "node",
  external: (id) => EXTERNAL.some((name) => id === name || id.startsWith(`${name}/`)),
  output: {
    dir: "dist/bundle",
    format: "esm",
    cleanDir: true,
    // Node reads a module as UTF-8 and decodes a file with any non-ASCII character on its slow
    // path: an all-ASCII bundle without comments (~14% smaller) loads ~15 ms sooner. Nothing is
    // renamed or rewritten and the lines stay, so stack traces still read; licence comments stay.
    comments: { legal: true, annotation: false, jsdoc: false },
    minify: { compress: false, mangle: false, codegen: { removeWhitespace: false, asciiOnly: true } },
  },
};
