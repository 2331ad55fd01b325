import { Type } from "typebox";
import type { LoginForm } from "../../connectors/types.js";

const Label = (what: string, en: string, fr: string) =>
  Type.Object(
    {
      en: Type.String({ description: `The ${what} label in English.` }),
      fr: Type.String({ description: `The ${what} label in French.` }),
    },
    { description: `How the login form names the ${what}; absent: the usual wording.`, examples: [{ en, fr }] },
  );

/**
 * An institution's login form, for clients that draw their own (the Connect widget does): what
 * to call the two credentials, where a person gets them, and whether the username is typed.
 */
export const LoginFormSchema = Type.Object(
  {
    usernameLabel: Type.Optional(Label("username", "A name for this connection", "Un nom pour cette connexion")),
    passwordLabel: Type.Optional(Label("password", "SimpleFIN setup token", "Jeton de configuration SimpleFIN")),
    helpUrl: Type.Optional(
      Type.String({
        description:
          "Where a person gets the credential (SimpleFIN: the page that makes setup tokens). Absolute, or a path on this server.",
        examples: ["https://bridge.simplefin.org/simplefin/create", "/sim/simplefin/create"],
      }),
    ),
    username: Type.Optional(
      Type.Literal("derived", {
        description:
          "The form asks for the password alone. The username sent to /Authorize is derived from it: `simplefin-` followed by " +
          'the first 12 hex digits of SHA-256("bankgate simplefin label\\n" + the password with all whitespace removed), ' +
          "so the same setup token always lands on the same card. Absent: the person types a username.",
      }),
    ),
  },
  { description: "Present when the institution's login form differs from a username and a password." },
);

/** The connector's declared form as the API shows it (only the fields it declares). */
export function loginFormView(form: LoginForm): LoginForm {
  return {
    ...(form.usernameLabel ? { usernameLabel: { en: form.usernameLabel.en, fr: form.usernameLabel.fr } } : {}),
    ...(form.passwordLabel ? { passwordLabel: { en: form.passwordLabel.en, fr: form.passwordLabel.fr } } : {}),
    ...(form.helpUrl ? { helpUrl: form.helpUrl } : {}),
    ...(form.username ? { username: form.username } : {}),
  };
}
