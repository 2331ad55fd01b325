import type { FastifyReply } from "fastify";
import { Type } from "typebox";
import type { CardRead } from "../../card-data/card-data-service.js";
import type { ConnectorRegistry } from "../../connectors/registry.js";
import type { CardData } from "../../records/card-data.js";
import { link, wireLogin } from "../../wire/flinks/wire-format.js";
import { parseRequestId } from "./authorize.js";
import type { CallerRequest } from "./caller-auth.js";
import type { FlinksRouteContext, FlinksServices } from "./flinks-routes.js";

/** What every data endpoint shares: reading the card through a session, the 202, the envelope. */

// Ids have no length limit of their own: an overlong id is answered like any unknown id (S5).
export const AnyId = Type.String();

export const RequestIdParams = Type.Object({ customerId: Type.String(), requestId: AnyId });

/** Authenticates, then reads: waiting for a running aggregation on the synchronous endpoints. */
export async function readCard(
  services: FlinksServices,
  request: CallerRequest,
  rawRequestId: string,
  mode: "sync" | "poll",
): Promise<CardRead> {
  const caller = await services.callerAuth.caller(request);
  const requestId = parseRequestId(rawRequestId);
  await services.callerAuth.assertTokenFor(caller, requestId);
  return mode === "sync"
    ? services.cardData.readWaiting(caller.customer.id, requestId)
    : services.cardData.read(caller.customer.id, requestId);
}

/**
 * GET and POST `/{operation}Async/{requestId}`: the poll of a data call, 202 until the card's
 * data is ready, then `answer` (clients poll with both methods; POST stays out of the docs).
 */
export function registerDataPoll(
  { app, services, hidden }: FlinksRouteContext,
  operation: string,
  answer: (data: CardData, requestId: string, reply: FastifyReply) => unknown,
): void {
  const asyncOperation = `${operation}Async`;
  for (const method of ["GET", "POST"] as const) {
    app.route({
      method,
      url: `/${asyncOperation}/:requestId`,
      schema: { hide: hidden || method === "POST", tags: ["Data"], summary: `Poll for /${operation}`, params: RequestIdParams },
      handler: async function pollData(request, reply) {
        const read = await readCard(services, request, request.params.requestId, "poll");
        if (read.kind === "pending") return pendingReply(reply, read, asyncOperation);
        return answer(read.data, request.params.requestId, reply);
      },
    });
  }
}

/**
 * 202 while the aggregation runs, pointing at the *Async endpoint to poll (flinks-api.md
 * §6.2). A result, not an error: the data is on its way.
 */
export function pendingReply(reply: FastifyReply, read: Extract<CardRead, { kind: "pending" }>, asyncOperation: string) {
  const requestId = read.session.requestId;
  return reply.code(202).send({
    FlinksCode: read.dispatched ? "OPERATION_DISPATCHED" : "OPERATION_PENDING",
    Links: [link(asyncOperation, `/${asyncOperation}`, `/${asyncOperation}/${requestId}`)],
    HttpStatusCode: 202,
    Message: read.dispatched
      ? "Your operation was dispatched to a background process; poll the link for its result."
      : "Your operation is still processing.",
    RequestId: requestId,
  });
}

/** The fields after the payload of every data answer. */
export function dataEnvelope(connectors: ConnectorRegistry, data: CardData) {
  const institution = connectors.find(data.session.institution);
  return {
    InstitutionName: institution?.name ?? data.session.institution,
    Login: wireLogin(data.login, data.username),
    InstitutionId: institution?.institutionId ?? null,
    Institution: data.session.institution,
    RequestId: data.session.requestId,
    ...(data.session.tag !== null ? { Tag: data.session.tag } : {}),
  };
}
