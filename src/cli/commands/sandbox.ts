import { readFileSync } from "node:fs";
import { Command, Option } from "commander";
import type { NextRefreshOutcome, ScenarioScript } from "../../client/control-types.js";
import { print } from "../command-setup.js";
import { CliError } from "../exit-codes.js";
import { controlCall, type SandboxTarget, sandboxTarget, type TargetOptions } from "../sandbox-client.js";

type Options = TargetOptions & { json?: boolean; outcome?: string; code?: string; prompt?: string; answer?: string };
type Run = (target: SandboxTarget, args: string[], options: Options) => Promise<unknown>;

/** `bankgate sandbox …`: the control plane of a running server (docs/sandbox.md), over HTTP. */
export function sandboxCommand(): Command {
  const sandbox = new Command("sandbox")
    .summary("move a running server's virtual clock, register scripts, force a card's next login")
    .description(
      "Call the sandbox control plane (/sandbox/v1) of a running bankgate (BANKGATE_SANDBOX_CONTROL on, the default in development). " +
        "The customer is --customer-id or BANKGATE_CUSTOMER_ID, its secret key BANKGATE_SECRET_KEY; without them, the development customer of --data-dir.",
    );
  const clockLine = (answer: unknown) => {
    const clock = answer as { now: string; offsetSeconds: number; frozen: boolean };
    return `${clock.now}  (offset ${clock.offsetSeconds} s${clock.frozen ? ", frozen" : ""})`;
  };

  sandbox.addCommand(call("clock", "show the virtual clock", (target) => controlCall(target, (control) => control.clock.get()), clockLine));
  sandbox.addCommand(
    call(
      "advance",
      "move the virtual clock forward",
      (target, [seconds]) => {
        const whole = wholeSeconds(seconds ?? "");
        return controlCall(target, (control) => control.clock.advance(whole));
      },
      clockLine,
    ).argument("<seconds>", "how far, in seconds"),
  );
  sandbox.addCommand(
    call("freeze", "stop the virtual clock", (target) => controlCall(target, (control) => control.clock.freeze()), clockLine),
  );
  sandbox.addCommand(
    call("unfreeze", "let the virtual clock run again", (target) => controlCall(target, (control) => control.clock.unfreeze()), clockLine),
  );

  const script = new Command("script").summary("register or read a scenario script");
  script.addCommand(
    call(
      "put",
      "register (or replace) the scenario script in a JSON file",
      (target, [file]) => {
        const script = readScript(file ?? "");
        return controlCall(target, (control) => control.scripts.put(script));
      },
      (answer) => `registered ${(answer as { name?: string }).name}`,
    ).argument("<file>", 'the script, as JSON (docs/sandbox.md, "Scenario scripts")'),
  );
  script.addCommand(
    call(
      "get",
      "print a registered scenario script",
      (target, [name]) => controlCall(target, (control) => control.scripts.get(name ?? "")),
      (answer) => JSON.stringify(answer, null, 2),
    ).argument("<name>"),
  );
  sandbox.addCommand(script);

  const card = new Command("card").summary("what the sandbox bank remembers of a card's user");
  card.addCommand(
    call(
      "reset",
      "forget the user's trusted device, locks, changed password and forced outcome",
      (target, [loginId]) => controlCall(target, (control) => control.cards.reset(loginId ?? "")),
      () => "reset",
    ).argument("<loginId>"),
  );
  sandbox.addCommand(card);

  sandbox.addCommand(
    call(
      "next-refresh",
      "force the outcome of a card's next live login (refresh, reconnect, nightly)",
      (target, [loginId], options) => {
        const outcome = nextRefreshBody(options);
        return controlCall(target, (control) => control.cards.forceNextRefresh(loginId ?? "", outcome));
      },
      (answer) =>
        `next login of ${(answer as { loginId: string }).loginId}: ${JSON.stringify((answer as { nextRefresh: unknown }).nextRefresh)}`,
    )
      .argument("<loginId>")
      .addOption(
        new Option("--outcome <outcome>", "what the login meets").choices(["authorized", "failed", "challenge"]).makeOptionMandatory(),
      )
      .option(
        "--code <code>",
        "with --outcome failed: INVALID_PASSWORD, RETRY_LATER, DISABLED_LOGIN, NEW_ACCOUNT, INVALID_LOGIN or UNAUTHORIZED",
      )
      .option("--prompt <text>", "with --outcome challenge: the question the bank asks")
      .option("--answer <text>", "with --outcome challenge: the answer it accepts"),
  );
  return sandbox;
}

/** A subcommand that makes one control-plane call and prints its answer. */
function call(name: string, summary: string, run: Run, human: (answer: unknown) => string): Command {
  return new Command(name)
    .summary(summary)
    .option("--url <url>", "the server (default: BANKGATE_URL, else http://127.0.0.1:$PORT, PORT 3000)")
    .option("--customer-id <id>", "the customer (default: BANKGATE_CUSTOMER_ID, else the data directory's development customer)")
    .option(
      "--data-dir <dir>",
      "a development data directory to take the customer and its secret key from (default: BANKGATE_DATA_DIR, else ./data)",
    )
    .option("--json", "print the server's answer as JSON")
    .action(async (...args: unknown[]) => {
      const command = args[args.length - 1] as Command;
      const options = command.opts<Options>();
      const answer = await run(sandboxTarget(options, process.env), command.args, options);
      print(options.json, answer, () => human(answer));
    });
}

function wholeSeconds(text: string): number {
  if (!/^\d+$/.test(text)) throw new CliError("usage", `<seconds> must be a whole number of seconds, got "${text.slice(0, 40)}"`);
  return Number(text);
}

/** The script as the file holds it: the server checks it against its schema and says what is wrong. */
function readScript(file: string): ScenarioScript {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new CliError("usage", `${file} is not a readable JSON file: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof parsed !== "object" || parsed === null || typeof (parsed as { name?: unknown }).name !== "string") {
    throw new CliError("usage", `${file} must hold a script object with its "name"`);
  }
  return parsed as ScenarioScript;
}

/** The outcome as typed: the server checks the code against the ones it can force. */
function nextRefreshBody(options: Options): NextRefreshOutcome {
  switch (options.outcome) {
    case "failed":
      if (!options.code) throw new CliError("usage", "--outcome failed needs --code");
      return { outcome: "failed", code: options.code as Extract<NextRefreshOutcome, { outcome: "failed" }>["code"] };
    case "challenge":
      if (!options.prompt || !options.answer) throw new CliError("usage", "--outcome challenge needs --prompt and --answer");
      return { outcome: "challenge", prompt: options.prompt, answer: options.answer };
    default:
      return { outcome: "authorized" };
  }
}
