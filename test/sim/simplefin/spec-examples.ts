/**
 * The example bodies of the SimpleFIN protocol page (https://www.simplefin.org/protocol.html),
 * protocol 2 and its protocol 1 predecessor, pinned here: the simulator's answers must have
 * their keys, key for key, and the connector must read them. The page's examples carry
 * trailing commas (not JSON); they are dropped, nothing else is changed.
 */

/** v2 "GET /accounts" sample response. */
export const v2AccountSet = {
  errlist: [],
  connections: [
    {
      conn_id: "10829309823094234",
      name: "My Bank - Jeff",
      org_id: "INST-982394823948230-2340923094",
      org_name: "My Bank",
      org_url: "https://mybank.com",
      sfin_url: "https://sfin.mybank.com",
    },
  ],
  accounts: [
    {
      id: "2930002",
      name: "Savings",
      conn_id: "10829309823094234",
      currency: "USD",
      balance: "100.23",
      "available-balance": "75.23",
      "balance-date": 978366153,
      transactions: [],
    },
  ],
};

/** v2 "Connection" example. */
export const v2Connection = {
  conn_id: "CON-923049234-203940293409234",
  name: "My Bank - Jill",
  org_id: "ORG-8293948-230482398492834",
  org_url: "https://mybank.com",
  sfin_url: "https://sfin.mybank.com",
};

/** v2 "Account" example. */
export const v2Account = {
  id: "2930002",
  name: "Savings",
  conn_id: "1238239482348382932",
  currency: "USD",
  balance: "100.23",
  "available-balance": "75.23",
  "balance-date": 978366153,
  transactions: [{ id: "12394832938403", posted: 793090572, amount: "-33293.43", description: "Uncle Frank's Bait Shop" }],
  extra: { "account-open-date": 978360153 },
};

/** v2 "Error" examples, and the quickstart's, which says `message` where the table says `msg`. */
export const v2Errors = {
  general: { code: "gen.auth", msg: "No credentials provided" },
  connection: { code: "con.auth", msg: "Authentication failed for My Bank - Jim", conn_id: "CON-21983498-29349823984293842" },
  account: { code: "act.failed", msg: "Failed to get all transactions. Try again later.", account_id: "ACT-1982398-12398192839182398123" },
  quickstart: { code: "con.auth", message: "Authentication required", conn_id: "CON-10829309823094234" },
};

/** v2 quickstart sample: a con.auth error beside the connection's (stale) account. */
export const v2QuickstartAccountSet = {
  errlist: [v2Errors.quickstart],
  connections: [
    {
      conn_id: "CON-10829309823094234",
      name: "My Bank - James",
      org_id: "INST-129839182938123123",
      org_url: "https://mybank.com",
      sfin_url: "https://mybank.com",
    },
  ],
  accounts: [
    {
      id: "2930002",
      name: "Savings",
      conn_id: "CON-10829309823094234",
      conn_name: "My Bank - Jeff",
      currency: "USD",
      balance: "100.23",
      "available-balance": "75.23",
      "balance-date": 978366153,
      transactions: [],
    },
  ],
};

/** The "Transaction" example, pending. */
export const transaction = {
  id: "12394832938403",
  posted: 793090572,
  amount: "-33293.43",
  description: "Uncle Frank's Bait Shop",
  pending: true,
  extra: { category: "food" },
};

/** Every attribute the "Transaction" table defines. */
export const transactionAttributes = ["id", "posted", "amount", "description", "transacted_at", "pending", "extra"];

/** v1 "Account Set" example. */
export const v1AccountSet = {
  errors: [],
  accounts: [
    {
      org: { domain: "mybank.com", "sfin-url": "https://sfin.mybank.com" },
      id: "2930002",
      name: "Savings",
      currency: "USD",
      balance: "100.23",
      "available-balance": "75.23",
      "balance-date": 978366153,
      transactions: [{ id: "12394832938403", posted: 793090572, amount: "-33293.43", description: "Uncle Frank's Bait Shop" }],
      extra: { "account-open-date": 978360153 },
    },
  ],
};

/** v1 "Organization" example. */
export const v1Organization = { domain: "mybank.com", name: "My Bank", "sfin-url": "https://sfin.mybank.com" };

/** v1 quickstart sample: a free-text error beside the data. */
export const v1QuickstartAccountSet = {
  errors: ["You must reauthenticate."],
  accounts: [
    {
      org: { domain: "mybank.com", "sfin-url": "https://sfin.mybank.com" },
      id: "2930002",
      name: "Savings",
      currency: "USD",
      balance: "100.23",
      "available-balance": "75.23",
      "balance-date": 978366153,
      transactions: [],
    },
  ],
};

/** "GET /info" example (v2 page). */
export const info = { versions: ["1.0"] };

/** The spec's demo setup token and the claim URL it decodes to. */
export const demoSetupToken = "aHR0cHM6Ly9icmlkZ2Uuc2ltcGxlZmluLm9yZy9zaW1wbGVmaW4vY2xhaW0vZGVtbw==";
export const demoClaimUrl = "https://bridge.simplefin.org/simplefin/claim/demo";
