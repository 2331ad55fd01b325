import type { FastifyServerOptions } from "fastify";

/**
 * Deny by default: a request is logged as method, path and id only — never headers,
 * bodies or query strings (the widget carries authorizeToken in its query). Error objects
 * are reduced to type, code, a short message and the top of the stack; bankgate never
 * puts a secret in an error message.
 */
export function loggerOptions(level: string, stream?: { write(line: string): void }): FastifyServerOptions["logger"] {
  return {
    level,
    // Where the lines go: main.ts passes its DroppingLogStream (lib/dropping-log-stream.ts); absent, stdout.
    ...(stream ? { stream } : {}),
    serializers: {
      req: (request: { method?: string; url?: string; id?: string }) => ({
        method: request.method,
        path: (request.url ?? "").split("?")[0]?.slice(0, 256),
        id: request.id,
      }),
      res: (reply: { statusCode?: number }) => ({ statusCode: reply.statusCode }),
      err: (error: Error & { code?: string }) => ({
        type: error.name,
        code: error.code,
        message: error.message.slice(0, 200),
        stack: error.stack?.split("\n").slice(1, 6).join("\n") ?? "",
      }),
    },
  };
}
