import type { FastifyReply } from "fastify";
import { type Static, Type } from "typebox";
import { ApiError } from "../../errors/api-error.js";
import { isUuid, newRandomId } from "../../lib/ids.js";
import type { AuthorizeOutcome, FlowMode, LiveLogin, SessionOpening } from "../../sessions/authorize-service.js";
import { canonicalizeBody } from "../../wire/flinks/canonical-body.js";
import { DATA_LINKS, link, wireLogin } from "../../wire/flinks/wire-format.js";
import { sendError } from "../errors.js";
import type { Caller } from "./caller-auth.js";
import type { FlinksRouteContext, FlinksServices } from "./flinks-routes.js";

const SecurityAnswer = Type.Union([Type.String({ maxLength: 4096 }), Type.Array(Type.String({ maxLength: 4096 }), { maxItems: 10 })]);

export const AuthorizeBody = Type.Object(
  {
    LoginId: Type.Optional(Type.String({ description: "Saved card: cached mode, or a live refresh with its stored credentials." })),
    MostRecentCached: Type.Optional(Type.Boolean({ description: "true: last aggregated data, no bank contact; false: live connection." })),
    Institution: Type.Optional(Type.String({ minLength: 1, maxLength: 64, examples: ["FlinksCapital"] })),
    Username: Type.Optional(Type.String({ minLength: 1, maxLength: 256, examples: ["Greatday"] })),
    Password: Type.Optional(Type.String({ minLength: 1, maxLength: 256, examples: ["Everyday"] })),
    Language: Type.Optional(Type.String({ maxLength: 8, description: "en or fr; part of the LoginId identity." })),
    Save: Type.Optional(Type.Boolean({ description: "Store the credentials (encrypted) for later live refreshes." })),
    Tag: Type.Optional(Type.String({ maxLength: 512 })),
    RequestId: Type.Optional(Type.String({ description: "The session to continue (from the 203)." })),
    SecurityResponses: Type.Optional(
      Type.Record(Type.String({ maxLength: 1024 }), SecurityAnswer, {
        maxProperties: 10,
        description: 'Answers keyed by prompt: {"What shape do people like most?": ["Triangle"]}.',
      }),
    ),
    ScheduleRefresh: Type.Optional(
      Type.Boolean({ description: "Refresh the card every night; applies to the card this session creates (flinks-api.md §5.1)." }),
    ),
  },
  { description: "Live, cached or MFA-answer call (flinks-api.md §5)." },
);
type AuthorizeBody = Static<typeof AuthorizeBody>;

/**
 * POST /Authorize: live login, MFA answers, cached sessions and live refreshes of saved
 * cards, each institution call made inline. POST /AuthorizeAsync: the same calls, queued:
 * 202 with the RequestId at once, then the same body with only the RequestId polls for
 * 202 / 203 / 200 (flinks-api.md §5.5).
 */
export function registerAuthorize({ app, services, hidden }: FlinksRouteContext): void {
  const canonicalize = canonicalizeBody(AuthorizeBody);
  const routes = [
    { url: "/Authorize", mode: "sync", summary: "Open or continue a session" },
    {
      url: "/AuthorizeAsync",
      mode: "async",
      summary: "Open or continue a session; the institution is called in the background (202, then poll)",
    },
  ] as const;
  for (const { url, mode, summary } of routes) {
    app.post(
      url,
      {
        schema: { hide: hidden, tags: ["Authorize"], summary, body: AuthorizeBody },
        preValidation: canonicalize,
      },
      async function authorize(request, reply) {
        const caller = await services.callerAuth.caller(request);
        const body = request.body;
        const outcome = await (body.RequestId !== undefined
          ? continueSession(caller, body, services, mode)
          : openSession(caller, body, services, mode));
        return respondAuthorize(reply, outcome, services);
      },
    );
  }
}

async function continueSession(caller: Caller, body: AuthorizeBody, services: FlinksServices, mode: FlowMode) {
  const requestId = parseRequestId(body.RequestId ?? "");
  await services.callerAuth.assertTokenFor(caller, requestId);
  return services.authorize.continue(caller.customer.id, requestId, answersOf(body.SecurityResponses), mode);
}

async function openSession(caller: Caller, body: AuthorizeBody, services: FlinksServices, mode: FlowMode) {
  const credentials = liveLoginOf(body);
  if (body.LoginId === undefined && !credentials) {
    throw new ApiError("INVALID_REQUEST", {}, "Send a RequestId, a LoginId, or Institution, Username and Password.");
  }
  const requestId = newRandomId();
  await services.callerAuth.consumeTokenFor(caller, requestId);
  const opening: SessionOpening = {
    customerId: caller.customer.id,
    requestId,
    authorizeTokenHash: caller.proof.kind === "token" ? caller.proof.tokenHash : null,
    tag: body.Tag ?? null,
    scheduleRefresh: body.ScheduleRefresh ?? false,
  };
  if (body.LoginId !== undefined) {
    const loginId = parseLoginId(body.LoginId);
    // Omitted MostRecentCached with a LoginId means cached: never a billable bank call by accident.
    return body.MostRecentCached === false
      ? services.authorize.startRefresh(opening, loginId, mode)
      : services.authorize.startCached(opening, loginId);
  }
  if (!credentials) throw new ApiError("INVALID_REQUEST");
  return body.MostRecentCached === true
    ? services.authorize.startCachedWithCredentials(opening, credentials)
    : services.authorize.startLive(opening, credentials, mode);
}

/** The answer to an /Authorize outcome: 202, 203 with the challenges, 200, or a cached session's remembered error. */
export function respondAuthorize(reply: FastifyReply, outcome: AuthorizeOutcome, services: FlinksServices) {
  const { session } = outcome;
  const institution = services.connectors.find(session.institution);
  if (outcome.kind === "pending") {
    return reply.code(202).send({
      Links: [link("AuthorizeAsync", "/AuthorizeAsync")],
      HttpStatusCode: 202,
      FlinksCode: "OPERATION_PENDING",
      Message: "The institution is being contacted; poll /AuthorizeAsync with this RequestId.",
      Institution: session.institution,
      RequestId: session.requestId,
    });
  }
  if (outcome.kind === "challenged") {
    return reply.code(203).send({
      Links: [link("Authorization", "/Authorize")],
      HttpStatusCode: 203,
      SecurityChallenges: (session.challenges ?? []).map((c) => ({
        Type: c.type,
        Prompt: c.prompt,
        ...(c.iterables ? { Iterables: c.iterables } : {}),
      })),
      Institution: session.institution,
      RequestId: session.requestId,
    });
  }
  const login = wireLogin(outcome.login, outcome.username);
  if (outcome.kind === "authorizedWithError") {
    return sendError(reply, new ApiError(outcome.code, { requestId: session.requestId, institution: session.institution }), {
      Login: login,
    });
  }
  return reply.code(200).send({
    Links: DATA_LINKS,
    HttpStatusCode: 200,
    InstitutionName: institution?.name ?? session.institution,
    Login: login,
    InstitutionId: institution?.institutionId ?? null,
    Institution: session.institution,
    RequestId: session.requestId,
    ...(session.tag !== null ? { Tag: session.tag } : {}),
  });
}

function liveLoginOf(body: AuthorizeBody): LiveLogin | null {
  if (!body.Institution || !body.Username || !body.Password) return null;
  return {
    institution: body.Institution,
    username: body.Username,
    password: body.Password,
    language: languageOf(body.Language),
    save: body.Save ?? false,
  };
}

function languageOf(language: string | undefined): "en" | "fr" {
  const lowered = (language ?? "en").trim().toLowerCase().slice(0, 2);
  if (lowered === "en" || lowered === "fr") return lowered;
  throw new ApiError("INVALID_REQUEST", {}, 'Language must be "en" or "fr".');
}

/** Clients send a bare string or a list (the Python client's own test sends a string). */
function answersOf(responses: AuthorizeBody["SecurityResponses"]): Record<string, string[]> {
  // fromEntries defines own properties: a "__proto__" prompt cannot reach the prototype.
  return Object.fromEntries(
    Object.entries(responses ?? {}).map(([prompt, value]) => [prompt, typeof value === "string" ? [value] : value]),
  );
}

/** Malformed ids are answered exactly like unknown ones: nobody learns which ids exist. */
export function parseRequestId(raw: string): string {
  const id = raw.trim();
  if (!isUuid(id)) throw new ApiError("SESSION_NONEXISTENT");
  return id.toLowerCase();
}

export function parseLoginId(raw: string): string {
  const id = raw.trim();
  if (!isUuid(id)) throw new ApiError("INVALID_LOGIN");
  return id.toLowerCase();
}
