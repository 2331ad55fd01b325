import { Type } from "typebox";

/**
 * The bodies of `GET /accounts`, protocol 1 and 2 in one schema (simplefin.org/protocol.html):
 * v1 names the institution in each account's `org` and lists `errors` as strings; v2 adds
 * `connections`, `conn_id` and the structured `errlist` (whose entries say `msg`, or `message`
 * as the spec's own first example does). Unknown fields (`extra`, `holdings`, `payee`…) are
 * allowed and ignored; `null` is taken for a missing optional field, as some servers send it.
 * Sizes are bounded so that a hostile body cannot make the checks themselves expensive.
 */
const Text = (maxLength: number) => Type.String({ maxLength });
const OptionalText = (maxLength: number) => Type.Optional(Type.Union([Text(maxLength), Type.Null()]));
const Epoch = Type.Number({ minimum: 0, maximum: 1e11 });
const Decimal = Type.String({ pattern: "^\\s*[+-]?(\\d+(\\.\\d*)?|\\.\\d+)\\s*$", maxLength: 40 });

export const TransactionSchema = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 512 }),
  posted: Epoch,
  amount: Decimal,
  description: Text(4096),
  transacted_at: Type.Optional(Type.Union([Epoch, Type.Null()])),
  pending: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
});

const OrganizationSchema = Type.Object({
  domain: OptionalText(512),
  name: OptionalText(512),
  "sfin-url": OptionalText(2048),
  url: OptionalText(2048),
  id: OptionalText(512),
});

export const AccountSchema = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 512 }),
  name: Text(512),
  currency: Text(2048),
  balance: Decimal,
  "available-balance": Type.Optional(Type.Union([Decimal, Type.Null()])),
  "balance-date": Epoch,
  conn_id: OptionalText(512),
  org: Type.Optional(Type.Union([OrganizationSchema, Type.Null()])),
  transactions: Type.Optional(Type.Union([Type.Array(TransactionSchema, { maxItems: 200_000 }), Type.Null()])),
});

const ErrorEntrySchema = Type.Object({
  code: Text(128),
  msg: OptionalText(4096),
  message: OptionalText(4096),
  conn_id: OptionalText(512),
  account_id: OptionalText(512),
});

const ConnectionSchema = Type.Object({
  conn_id: Type.String({ minLength: 1, maxLength: 512 }),
  name: OptionalText(512),
  org_id: OptionalText(512),
  org_name: OptionalText(512),
  org_url: OptionalText(2048),
  sfin_url: OptionalText(2048),
});

export const AccountSetSchema = Type.Object({
  errors: Type.Optional(Type.Union([Type.Array(Type.Unknown(), { maxItems: 10_000 }), Type.Null()])),
  errlist: Type.Optional(Type.Union([Type.Array(ErrorEntrySchema, { maxItems: 10_000 }), Type.Null()])),
  connections: Type.Optional(Type.Union([Type.Array(ConnectionSchema, { maxItems: 10_000 }), Type.Null()])),
  accounts: Type.Optional(Type.Union([Type.Array(AccountSchema, { maxItems: 10_000 }), Type.Null()])),
});

export const InfoSchema = Type.Object({
  versions: Type.Array(Text(64), { maxItems: 100 }),
});
