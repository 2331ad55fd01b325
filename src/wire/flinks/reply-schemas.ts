import { type TSchema, Type } from "typebox";

/**
 * The reply bodies of the core Flinks operations as TypeBox schemas: what /openapi.json
 * documents for them (api/openapi/) and what the API tests check every answer against. The
 * bodies themselves are built by authorize-replies.ts, data-replies.ts, wire-accounts.ts,
 * statements-replies.ts, card-management.ts and error-body.ts, and every answer the API tests
 * receive is validated against the document (test/helpers/documented-responses.ts), so the two
 * cannot drift apart unnoticed.
 */

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Id = Type.String({ examples: ["5e115eac-8f5c-4a3e-9a8c-0d2f1c3b4a5e"] });
const Timestamp = Type.String({ description: "UTC, 7 fractional digits, no offset.", examples: ["2026-01-21T20:47:47.1450000"] });

export const WireLinkSchema = Type.Object({
  rel: Type.String({ examples: ["AccountsDetail"] }),
  href: Type.String({ examples: ["/GetAccountsDetail"] }),
  example: Nullable(Type.String()),
});

export const WireLoginSchema = Type.Object({
  Username: Type.String({ examples: ["Greatday"] }),
  IsScheduledRefresh: Type.Boolean(),
  LastRefresh: Nullable(Timestamp),
  Type: Type.Union([Type.Literal("Personal"), Type.Literal("Business")]),
  Id,
});

/** The fields after the payload of every data answer (dataEnvelope). */
const envelope = {
  InstitutionName: Type.String({ examples: ["FlinksCapital"] }),
  Login: WireLoginSchema,
  InstitutionId: Nullable(Type.Number({ examples: [14] })),
  Institution: Type.String({ examples: ["FlinksCapital"] }),
  RequestId: Id,
  Tag: Type.Optional(Type.String({ description: "The Tag sent to /Authorize, when there was one." })),
};

export const AuthorizedReply = Type.Object(
  { Links: Type.Array(WireLinkSchema), HttpStatusCode: Type.Literal(200), ...envelope },
  { description: "Authorized: call the data operations with this RequestId." },
);

export const ChallengedReply = Type.Object(
  {
    Links: Type.Array(WireLinkSchema),
    HttpStatusCode: Type.Literal(203),
    SecurityChallenges: Type.Array(
      Type.Object({
        Type: Type.String({ examples: ["QuestionAndAnswer"] }),
        Prompt: Type.String({ examples: ["What city were you born in?"] }),
        Iterables: Type.Optional(Type.Array(Type.String())),
      }),
    ),
    Institution: Type.String({ examples: ["FlinksCapital"] }),
    RequestId: Id,
  },
  { description: "The institution asks security questions: answer them with the same RequestId in SecurityResponses." },
);

export const AuthorizePendingReply = Type.Object(
  {
    Links: Type.Array(WireLinkSchema),
    HttpStatusCode: Type.Literal(202),
    FlinksCode: Type.Literal("OPERATION_PENDING"),
    Message: Type.String(),
    Institution: Type.String({ examples: ["FlinksCapital"] }),
    RequestId: Id,
  },
  { description: "The institution is being contacted: poll /AuthorizeAsync with this RequestId." },
);

export const ResumePendingReply = Type.Object(
  { HttpStatusCode: Type.Literal(202), FlinksCode: Type.Literal("OPERATION_PENDING"), RequestId: Id },
  { description: "A step of this session is at the institution: ask again in a moment." },
);

export const DataPendingReply = Type.Object(
  {
    FlinksCode: Type.Union([Type.Literal("OPERATION_PENDING"), Type.Literal("OPERATION_DISPATCHED")]),
    Links: Type.Array(WireLinkSchema),
    HttpStatusCode: Type.Literal(202),
    Message: Type.String(),
    RequestId: Id,
  },
  { description: "The aggregation still runs: poll the link (the *Async operation) for the result." },
);

export const TokenReply = Type.Object(
  { HttpStatusCode: Type.Literal(200), Token: Type.String({ examples: ["4b8f7c1e-2d3a-4f5b-8c9d-0e1f2a3b4c5d"] }) },
  { description: "A single-use authorize token for one /Authorize call (or the widget)." },
);

export const DeleteCardReply = Type.Object(
  { StatusCode: Type.Literal(200), Message: Type.String(), HttpStatusCode: Type.Literal(200) },
  { description: "The card, its credentials, sessions and data are gone." },
);

const Amount = Nullable(Type.Number({ examples: [1250.35] }));
const BalanceSchema = Type.Object({ Available: Amount, Current: Amount, Limit: Amount });
const HolderSchema = Type.Object({
  Name: Type.String({ examples: ["John Doe"] }),
  Address: Type.Object({
    CivicAddress: Type.String(),
    City: Type.String(),
    Province: Type.String(),
    PostalCode: Type.String(),
    POBox: Nullable(Type.String()),
    Country: Type.String(),
  }),
  Email: Type.String(),
  PhoneNumber: Type.String(),
});
const accountFields = {
  Title: Type.String({ examples: ["Chequing CAD"] }),
  AccountNumber: Nullable(Type.String({ examples: ["1111000"] })),
  LastFourDigits: Nullable(Type.String()),
  Balance: BalanceSchema,
  Category: Type.String({ examples: ["Operations"] }),
  Type: Type.String({ examples: ["Chequing"] }),
  Currency: Type.Union([Type.Literal("CAD"), Type.Literal("USD")]),
  Holder: Nullable(HolderSchema),
  AccountType: Type.String({ examples: ["Personal"] }),
  Id,
};

const TransactionSchema = Type.Object({
  Date: Type.String({ examples: ["2026-01-20"] }),
  Code: Type.Null(),
  Description: Type.String({ examples: ["Payroll deposit"] }),
  Debit: Amount,
  Credit: Amount,
  Balance: Type.Number(),
  Id,
});

export const AccountsDetailReply = Type.Object(
  {
    HttpStatusCode: Type.Literal(200),
    Accounts: Type.Array(
      Type.Object({
        Transactions: Type.Array(TransactionSchema),
        TransitNumber: Nullable(Type.String()),
        InstitutionNumber: Nullable(Type.String()),
        OverdraftLimit: Amount,
        ...accountFields,
      }),
    ),
    ...envelope,
  },
  { description: "The card's accounts with transactions, balances and holder, as the request's flags disclose them." },
);

export const AccountsSummaryReply = Type.Object(
  {
    HttpStatusCode: Type.Literal(200),
    Accounts: Type.Array(Type.Object({ EftEligibleRatio: Type.Number(), ETransferEligibleRatio: Type.Number(), ...accountFields })),
    Links: Type.Array(WireLinkSchema),
    ...envelope,
  },
  { description: "The card's accounts with balances, without transactions." },
);

export const StatementsReply = Type.Object(
  {
    HttpStatusCode: Type.Literal(200),
    StatementsByAccount: Type.Array(
      Type.Object({
        AccountNumber: Type.String(),
        Statements: Type.Array(
          Type.Object({
            UniqueId: Type.String(),
            FileType: Type.Literal("PDF"),
            Base64Bytes: Type.String({ contentEncoding: "base64", examples: ["JVBERi0xLjQK"] }),
          }),
        ),
      }),
    ),
    ...envelope,
  },
  { description: "Monthly statements of each account, as PDF files in Base64." },
);

/**
 * The error envelope (error-body.ts) of one HTTP status: HttpStatusCode equal to it, and a
 * FlinksCode among those this status carries for the operation.
 */
export function errorReplySchema(httpStatus: number, flinksCodes: readonly string[]) {
  return Type.Object(
    {
      HttpStatusCode: Type.Literal(httpStatus),
      FlinksCode: Type.Unsafe<string>({ type: "string", enum: [...flinksCodes] }),
      Message: Type.String(),
      RequestId: Type.Optional(Id),
      Institution: Type.Optional(Type.String()),
      Login: Type.Optional(WireLoginSchema),
      ValidationDetails: Type.Optional(Type.Record(Type.String(), Type.Array(Type.String()))),
    },
    { description: "The Flinks error body: see docs/errors.md for every FlinksCode." },
  );
}
