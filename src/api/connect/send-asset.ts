import type { FastifyReply, FastifyRequest } from "fastify";
import { ApiError } from "../../errors/api-error.js";
import { sendError } from "../plumbing/error-handling.js";
import type { StaticFile } from "./widget-files.js";

/**
 * Answers one hashed asset of a built page (the widget's or the dashboard's): cached for a year
 * (its name carries its content hash), gzipped when the client takes it and a precompressed copy
 * exists; NOT_FOUND when there is no such file.
 */
export function sendAsset(request: FastifyRequest, reply: FastifyReply, file: StaticFile | undefined) {
  if (!file) return sendError(reply, new ApiError("NOT_FOUND"));
  const gzip = file.gzip && /\bgzip\b/.test(String(request.headers["accept-encoding"] ?? ""));
  reply
    .header("content-type", file.contentType)
    .header("cache-control", "public, max-age=31536000, immutable")
    .header("x-content-type-options", "nosniff")
    .header("vary", "accept-encoding");
  if (gzip) reply.header("content-encoding", "gzip");
  return reply.send(gzip ? file.gzip : file.body);
}
