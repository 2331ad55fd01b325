import type { InstitutionConnector } from "../../connectors/types.js";
import type { Login } from "../../records/login.js";
import type { Session } from "../../records/session.js";
import { DATA_LINKS, link, wireLogin } from "./wire-format.js";

/** 202 of /AuthorizeAsync: the institution step is queued or running; poll with the RequestId. */
export function authorizePendingBody(session: Session) {
  return {
    Links: [link("AuthorizeAsync", "/AuthorizeAsync")],
    HttpStatusCode: 202,
    FlinksCode: "OPERATION_PENDING",
    Message: "The institution is being contacted; poll /AuthorizeAsync with this RequestId.",
    Institution: session.institution,
    RequestId: session.requestId,
  };
}

/** 203: the pending security challenges, answered with the same RequestId. */
export function challengedBody(session: Session) {
  return {
    Links: [link("Authorization", "/Authorize")],
    HttpStatusCode: 203,
    SecurityChallenges: (session.challenges ?? []).map((c) => ({
      Type: c.type,
      Prompt: c.prompt,
      ...(c.iterables ? { Iterables: c.iterables } : {}),
    })),
    Institution: session.institution,
    RequestId: session.requestId,
  };
}

/** 200: authorized; the data endpoints take the RequestId now. */
export function authorizedBody(session: Session, login: Login, username: string, institution: InstitutionConnector | undefined) {
  return {
    Links: DATA_LINKS,
    HttpStatusCode: 200,
    InstitutionName: institution?.name ?? session.institution,
    Login: wireLogin(login, username),
    InstitutionId: institution?.institutionId ?? null,
    Institution: session.institution,
    RequestId: session.requestId,
    ...(session.tag !== null ? { Tag: session.tag } : {}),
  };
}

/** 202 of the widget's Resume while a step is at the institution. */
export function resumePendingBody(requestId: string) {
  return { HttpStatusCode: 202, FlinksCode: "OPERATION_PENDING", RequestId: requestId };
}

/** /GenerateAuthorizeToken (and the widget's token renewal). */
export function tokenBody(token: string) {
  return { HttpStatusCode: 200, Token: token };
}
