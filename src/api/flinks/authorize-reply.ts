import type { FastifyReply } from "fastify";
import type { ConnectorRegistry } from "../../connectors/registry.js";
import { ApiError } from "../../errors/api-error.js";
import type { AuthorizeOutcome } from "../../sessions/authorize-outcome.js";
import { authorizedBody, authorizePendingBody, challengedBody } from "../../wire/flinks/authorize-replies.js";
import { wireLogin } from "../../wire/flinks/wire-format.js";
import { sendError } from "../plumbing/error-handling.js";

/** The answer to an /Authorize outcome: 202, 203 with the challenges, 200, or a cached session's remembered error. */
export function replyToAuthorize(reply: FastifyReply, outcome: AuthorizeOutcome, connectors: ConnectorRegistry) {
  const { session } = outcome;
  switch (outcome.kind) {
    case "pending":
      return reply.code(202).send(authorizePendingBody(session));
    case "challenged":
      return reply.code(203).send(challengedBody(session));
    case "authorizedWithError": {
      const error = new ApiError(outcome.code, { requestId: session.requestId, institution: session.institution });
      return sendError(reply, error, { Login: wireLogin(outcome.login, outcome.username) });
    }
    case "authorized":
      return reply.code(200).send(authorizedBody(session, outcome.login, outcome.username, connectors.find(session.institution)));
  }
}
