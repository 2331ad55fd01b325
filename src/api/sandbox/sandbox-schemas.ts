import { Type } from "typebox";

/** Pieces every sandbox control-plane route shares. */

export const CustomerParams = Type.Object({
  customerId: Type.String({ description: "Your customerId.", examples: ["43387ca6-0391-4c82-857d-70d95f087ecb"] }),
});

export const SandboxErrorBody = Type.Object(
  { HttpStatusCode: Type.Integer(), FlinksCode: Type.String(), Message: Type.String() },
  { description: "The Flinks error body (docs/errors.md)." },
);

/** The customer's secret key in `flinks-auth-key`. */
export const sandboxSecurity = [{ authKey: [] }];

export const SERVED_WHEN = "Needs the customer's secret key in `flinks-auth-key`; served only with BANKGATE_SANDBOX_CONTROL=on.";
