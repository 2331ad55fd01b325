import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from "fastify";

// ajv-formats is CommonJS: its default export is the function under NodeNext.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

interface MediaDoc {
  schema?: object;
}
interface OperationDoc {
  responses?: Record<string, { content?: Record<string, MediaDoc> }>;
}
interface DocumentedOperation {
  method: string;
  path: string;
  pattern: RegExp;
  operation: OperationDoc;
}

/**
 * Holds every answer a test receives to the OpenAPI document the app serves: the status must
 * be documented for the operation, its media type too, and a JSON body must validate against
 * the documented schema (ajv, JSON Schema 2020-12 as in OpenAPI 3.1) — so an error code, a
 * status or a field the document does not tell fails the test that met it. Requests to
 * undocumented routes (/health, the widget's files, unknown URLs) are not checked.
 */
export class DocumentedResponses {
  readonly #operations: DocumentedOperation[];
  readonly #ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
  readonly #validators = new Map<string, ValidateFunction>();

  constructor(document: { paths: Record<string, Record<string, OperationDoc>> }) {
    this.#operations = Object.entries(document.paths)
      .flatMap(([path, methods]) =>
        Object.entries(methods).map(([method, operation]) => ({
          method: method.toUpperCase(),
          path,
          pattern: pathPattern(path),
          operation,
        })),
      )
      // Literal segments before parameters: /institutions/{id}/logo is not /{customerId}/usage.
      .sort((a, b) => paramCount(a.path) - paramCount(b.path));
  }

  /** Throws, naming the request, what the document does not say of this answer. */
  check(method: string, url: string, response: LightMyRequestResponse): void {
    // Trailing spaces are cut before routing (app.ts): "/DeleteCard/%20" reaches no route.
    const path = (url.split("?")[0] ?? "/").replace(/(?:%20|\s)+$/i, "");
    const found = this.#operations.find((o) => o.method === method.toUpperCase() && o.pattern.test(path));
    if (!found) return;
    const where = `${method} ${url} → ${response.statusCode} ${response.body.slice(0, 300)}`;
    const documented = found.operation.responses?.[String(response.statusCode)];
    // The pattern above only approximates Fastify's router ("/DeleteCard/." and control
    // characters match no route): a 404 NOT_FOUND is the not-found handler's, not the operation's.
    if (!documented && response.statusCode === 404 && /"FlinksCode":"NOT_FOUND"/.test(response.body)) return;
    if (!documented) throw new Error(`status ${response.statusCode} is not documented for ${found.method} ${found.path}: ${where}`);
    const mediaType =
      String(response.headers["content-type"] ?? "")
        .split(";")[0]
        ?.trim() ?? "";
    const media = documented.content?.[mediaType];
    if (!media) throw new Error(`${mediaType || "no content-type"} is not documented for ${found.method} ${found.path}: ${where}`);
    if (mediaType !== "application/json" || !media.schema) return;
    const validate = this.#validator(`${found.method} ${found.path} ${response.statusCode}`, media.schema);
    if (!validate(JSON.parse(response.body))) {
      throw new Error(
        `answer differs from the documented schema of ${found.method} ${found.path}: ${where}\n${this.#ajv.errorsText(validate.errors)}`,
      );
    }
  }

  #validator(key: string, schema: object): ValidateFunction {
    let validate = this.#validators.get(key);
    if (!validate) {
      validate = this.#ajv.compile(schema);
      this.#validators.set(key, validate);
    }
    return validate;
  }
}

/**
 * Makes `app.inject(options)` (promise form; what every API test and TestApp helper calls)
 * check each answer against the served OpenAPI document before the test sees it.
 */
export function checkAnswersAgainstDocument(app: FastifyInstance): void {
  const documented = new DocumentedResponses(app.swagger() as unknown as ConstructorParameters<typeof DocumentedResponses>[0]);
  const inject = app.inject.bind(app);
  const checked = (options?: InjectOptions | string, callback?: unknown) => {
    // The chained and callback forms are left as they are.
    if (options === undefined || callback !== undefined) return (inject as (...args: unknown[]) => unknown)(options, callback);
    const request = typeof options === "string" ? { method: "GET", url: options } : options;
    return inject(options).then((response) => {
      documented.check(String(request.method ?? "GET"), urlOf(request), response);
      return response;
    });
  };
  (app as unknown as { inject: typeof checked }).inject = checked;
}

function urlOf(request: InjectOptions | { url: string }): string {
  const url = (request as { url?: unknown; path?: unknown }).url ?? (request as { path?: unknown }).path ?? "/";
  return typeof url === "string" ? url : String((url as { pathname?: string }).pathname ?? "/");
}

/** `/v3/{customerId}/BankingServices/X` → a pattern matching it, and its un-versioned twin, as Fastify routes them (any case, trailing slash). */
function pathPattern(path: string): RegExp {
  const segments = path
    .replace(/^\/v3\//, "/")
    .split("/")
    .filter(Boolean);
  const body = segments.map((s) => (s.startsWith("{") ? "[^/]+" : s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))).join("/");
  const versioned = path.startsWith("/v3/") ? "(?:/v3)?" : "";
  return new RegExp(`^${versioned}/${body}/?$`, "i");
}

function paramCount(path: string): number {
  return (path.match(/\{/g) ?? []).length;
}
