import type { FastifyReply } from "fastify";
import type { CardRead } from "../../card-data/card-data-service.js";
import type { Caller } from "../../customers/caller-auth.js";
import type { CardData } from "../../records/card-data.js";
import { dataPendingBody } from "../../wire/flinks/data-replies.js";
import { RequestIdParams } from "../../wire/flinks/data-requests.js";
import { parseRequestId } from "../../wire/flinks/ids.js";
import type { ApiServices } from "../api-services.js";
import type { FlinksRoutes } from "./flinks-routes.js";

/**
 * Reads the card behind a RequestId for a data call: the caller's token must be the session's.
 * "wait" (the synchronous endpoints) waits for a running aggregation; "poll" answers at once.
 */
export async function readCard(services: ApiServices, caller: Caller, rawRequestId: string, how: "wait" | "poll"): Promise<CardRead> {
  const requestId = parseRequestId(rawRequestId);
  await services.callerAuth.assertTokenFor(caller, requestId);
  return how === "wait"
    ? services.cardData.readWaiting(caller.customer.id, caller.scope, requestId)
    : services.cardData.read(caller.customer.id, caller.scope, requestId);
}

/** 202 while the aggregation runs, pointing at the *Async endpoint to poll. */
export function replyPending(reply: FastifyReply, read: Extract<CardRead, { kind: "pending" }>, asyncOperation: string) {
  return reply.code(202).send(dataPendingBody(read.session.requestId, read.dispatched, asyncOperation));
}

/**
 * GET and POST `/{operation}Async/{requestId}`: the poll of a data call, 202 until the card's
 * data is ready, then `answer` (clients poll with both methods; POST stays out of the docs).
 */
export function registerDataPoll(
  { app, services, hidden }: FlinksRoutes,
  operation: string,
  answer: (data: CardData, requestId: string, reply: FastifyReply) => unknown,
): void {
  const asyncOperation = `${operation}Async`;
  for (const method of ["GET", "POST"] as const) {
    app.route({
      method,
      url: `/${asyncOperation}/:requestId`,
      schema: { hide: hidden || method === "POST", tags: ["Data"], summary: `Poll for /${operation}`, params: RequestIdParams },
      config: { auth: "caller" },
      handler: async function pollData(request, reply) {
        const read = await readCard(services, request.caller, request.params.requestId, "poll");
        if (read.kind === "pending") return replyPending(reply, read, asyncOperation);
        return answer(read.data, request.params.requestId, reply);
      },
    });
  }
}
