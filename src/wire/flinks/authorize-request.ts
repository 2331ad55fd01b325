import { type Static, Type } from "typebox";
import { ApiError } from "../../errors/api-error.js";

const SecurityAnswer = Type.Union([Type.String({ maxLength: 4096 }), Type.Array(Type.String({ maxLength: 4096 }), { maxItems: 10 })]);

/** The body of /Authorize and /AuthorizeAsync: a live login, MFA answers, or a saved card (cached or refreshed). */
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
      Type.Boolean({ description: "Refresh the card every night; applies to the card this session creates." }),
    ),
  },
  { description: "Live, cached or MFA-answer call." },
);
export type AuthorizeBody = Static<typeof AuthorizeBody>;

/** Institution, Username and Password of a live login, when the body has all three. */
export function liveLoginOf(body: AuthorizeBody) {
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

/** SecurityResponses as lists: clients send a bare string or a list (the Python client's own test sends a string). */
export function answersOf(responses: AuthorizeBody["SecurityResponses"]): Record<string, string[]> {
  // fromEntries defines own properties: a "__proto__" prompt cannot reach the prototype.
  return Object.fromEntries(
    Object.entries(responses ?? {}).map(([prompt, value]) => [prompt, typeof value === "string" ? [value] : value]),
  );
}
