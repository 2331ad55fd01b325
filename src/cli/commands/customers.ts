import { Command, Option } from "commander";
import type { Config } from "../../config/config.js";
import { CustomerAdmin, CustomerAdminError, type CustomerChanges, type CustomerView } from "../../customers/customer-admin.js";
import { print, withConfigFlags, withStore } from "../command-setup.js";
import { CliError } from "../exit-codes.js";

interface AllowOptions {
  authMode?: "token" | "open";
  parentOrigins?: string;
  redirectUrls?: string;
  json?: boolean;
}

/** `bankgate customers …`: the store's customers, managed on the store directly (no server needed). */
export function customersCommand(): Command {
  const customers = new Command("customers")
    .summary("create, list, show customers; rotate their keys; set their allow-lists")
    .description(
      "Customers live in the store; these commands open it directly (a running server sees changes within 5 seconds). " +
        "The development customer, written from the environment at every start, is listed but cannot be changed here.",
    );

  const create = allowOptions(new Command("create").summary("create a customer and print its keys (shown this once)"))
    .description("Create a customer with a new id, secret key and API key. The keys are printed once and stored only as hashes.")
    .requiredOption("--name <name>", "the customer's name, for operators");
  const createConfig = withConfigFlags(create, ["store"]);
  create.action((options: AllowOptions & { name: string }) =>
    withAdmin(createConfig(options), async (admin) => {
      const { customer, keys } = await admin.create(options.name, changesOf(options));
      print(options.json, { ...customer, secretKey: keys.secretKey, apiKey: keys.apiKey }, () =>
        [
          describe(customer),
          "",
          "Keys (shown this once; only their hashes are stored):",
          `  secret key  ${keys.secretKey}   (flinks-auth-key on /GenerateAuthorizeToken)`,
          `  API key     ${keys.apiKey}   (x-api-key on the data endpoints)`,
        ].join("\n"),
      );
    }),
  );

  const list = new Command("list").summary("list every customer").option("--json", "print JSON");
  const listConfig = withConfigFlags(list, ["store"]);
  list.action((options: { json?: boolean }) =>
    withAdmin(listConfig(options), async (admin) => {
      const all = await admin.list();
      print(options.json, all, () =>
        all.length === 0
          ? "no customers yet"
          : all
              .map((c) => `${c.customerId}  ${c.authMode.padEnd(5)}  ${c.source === "environment" ? "(environment) " : ""}${c.name}`)
              .join("\n"),
      );
    }),
  );

  const show = new Command("show").summary("show one customer").argument("<customerId>").option("--json", "print JSON");
  const showConfig = withConfigFlags(show, ["store"]);
  show.action((customerId: string, options: { json?: boolean }) =>
    withAdmin(showConfig(options), async (admin) => {
      const customer = await admin.show(customerId);
      print(options.json, customer, () => describe(customer));
    }),
  );

  const rotate = new Command("rotate-keys")
    .summary("give a customer new keys (the old ones stop working)")
    .argument("<customerId>")
    .addOption(new Option("--only <key>", "rotate one key only").choices(["secret", "api"]))
    .option("--json", "print JSON");
  const rotateConfig = withConfigFlags(rotate, ["store"]);
  rotate.action((customerId: string, options: { only?: "secret" | "api"; json?: boolean }) =>
    withAdmin(rotateConfig(options), async (admin) => {
      const keys = await admin.rotateKeys(customerId, options.only ?? "both");
      print(options.json, keys, () =>
        [
          `New keys for ${keys.customerId} (shown this once; the old ones stop working within 5 seconds; authorize tokens already issued live out their TTL):`,
          ...(keys.secretKey ? [`  secret key  ${keys.secretKey}`] : []),
          ...(keys.apiKey ? [`  API key     ${keys.apiKey}`] : []),
        ].join("\n"),
      );
    }),
  );

  const allow = allowOptions(
    new Command("allow")
      .summary("set a customer's Connect allow-lists and auth mode")
      .description("Replace the lists given (comma-separated; an empty string empties one) and the auth mode if given; the rest stays.")
      .argument("<customerId>"),
  );
  const allowConfig = withConfigFlags(allow, ["store"]);
  allow.action((customerId: string, options: AllowOptions) =>
    withAdmin(allowConfig(options), async (admin) => {
      const customer = await admin.allow(customerId, changesOf(options));
      print(options.json, customer, () => describe(customer));
    }),
  );

  return customers.addCommand(create).addCommand(list).addCommand(show).addCommand(rotate).addCommand(allow);
}

function allowOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        "--auth-mode <mode>",
        "token: every call proves who it is; open: legacy clients without credentials (sandbox institutions only)",
      ).choices(["token", "open"]),
    )
    .option("--parent-origins <a,b>", "origins (scheme://host[:port]) that may frame the Connect widget and receive its events")
    .option("--redirect-urls <a,b>", "redirectUrl values the widget may navigate to, each matched exactly")
    .option("--json", "print JSON");
}

function changesOf(options: AllowOptions): CustomerChanges {
  const listOf = (text: string | undefined) =>
    text === undefined
      ? undefined
      : text
          .split(",")
          .map((entry) => entry.trim())
          .filter((entry) => entry !== "");
  return { authMode: options.authMode, parentOrigins: listOf(options.parentOrigins), redirectUrls: listOf(options.redirectUrls) };
}

function describe(customer: CustomerView): string {
  const list = (entries: string[]) => (entries.length === 0 ? "(none)" : entries.join(", "));
  return [
    `customer ${customer.customerId}${customer.source === "environment" ? "   (development customer, from the environment)" : ""}`,
    `  name              ${customer.name}`,
    `  auth mode         ${customer.authMode}`,
    `  parent origins    ${list(customer.parentOrigins)}`,
    `  redirect URLs     ${list(customer.redirectUrls)}`,
    `  stores MFA answers ${customer.storeMfaAnswers ? "yes" : "no"}`,
  ].join("\n");
}

async function withAdmin(config: Config, work: (admin: CustomerAdmin) => Promise<void>): Promise<void> {
  await withStore(config, async (storage) => {
    try {
      await work(new CustomerAdmin(storage.customers, config, () => new Date()));
    } catch (error) {
      if (!(error instanceof CustomerAdminError)) throw error;
      throw new CliError(error.reason === "notFound" ? "notFound" : error.reason === "invalid" ? "usage" : "failed", error.message);
    }
  });
}
