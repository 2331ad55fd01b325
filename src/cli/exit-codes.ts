/**
 * What `bankgate` exits with, so scripts and CI can tell a failed check from a typo. The
 * table is printed by `bankgate --help` and in docs/cli.md.
 */
export const EXIT_CODES = {
  ok: { code: 0, meaning: "done; for `doctor`, every check passed (warnings allowed)" },
  failed: {
    code: 1,
    meaning:
      "the command ran and the answer is no: a `doctor` check failed, secrets are left under an old master key, the server refused a `sandbox` call",
  },
  usage: { code: 2, meaning: "the command line is wrong: unknown command or option, missing or invalid argument" },
  config: { code: 3, meaning: "the configuration is invalid (the message names the variable or flag)" },
  store: { code: 4, meaning: "the store could not be opened or used (SQLite file, PostgreSQL server, master key)" },
  notFound: { code: 5, meaning: "what the command names does not exist (a customer, a script, a card)" },
  unreachable: { code: 6, meaning: "no bankgate server answered at the given URL (`sandbox` commands)" },
} as const;

export type ExitKind = keyof typeof EXIT_CODES;

/** A failure the command line reports as one message and one exit code; never carries a secret. */
export class CliError extends Error {
  constructor(
    readonly kind: ExitKind,
    message: string,
  ) {
    super(message);
  }

  get exitCode(): number {
    return EXIT_CODES[this.kind].code;
  }
}
