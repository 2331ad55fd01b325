import type { RegionCity, RegionVocabulary, SpendingCategory } from "./bank-data/region-vocabulary.js";
import type { Random } from "./bank-data/seeded-random.js";

/**
 * What a Canadian bank statement looks like: the payees, merchants, places and wording the
 * sandbox generator draws from. Data and formats only — the rules that pick from it live in
 * bank-data/ (profile.ts, statement-lines.ts, account-ledgers.ts).
 */

const GROCERIES: SpendingCategory = {
  merchants: ["LOBLAWS", "METRO", "IGA", "SOBEYS", "MAXI", "PROVIGO", "FOOD BASICS", "NO FRILLS"],
  minCents: 1_850,
  maxCents: 18_500,
  weight: 22,
  hasStoreNumber: true,
};
const COFFEE: SpendingCategory = {
  merchants: ["TIM HORTONS", "STARBUCKS", "SECOND CUP", "VAN HOUTTE"],
  minCents: 225,
  maxCents: 1_450,
  weight: 20,
  hasStoreNumber: true,
};
const GAS: SpendingCategory = {
  merchants: ["PETRO-CANADA", "ESSO", "SHELL", "ULTRAMAR", "PIONEER"],
  minCents: 3_000,
  maxCents: 9_500,
  weight: 10,
  hasStoreNumber: true,
};
const RESTAURANTS: SpendingCategory = {
  merchants: ["ST-HUBERT", "BOSTON PIZZA", "SUBWAY", "MCDONALD'S", "A&W", "THE KEG", "SUSHI SHOP", "PIZZA PIZZA"],
  minCents: 1_100,
  maxCents: 9_800,
  weight: 14,
  hasStoreNumber: true,
};
const PHARMACIES: SpendingCategory = {
  merchants: ["SHOPPERS DRUG MART", "JEAN COUTU", "PHARMAPRIX", "REXALL"],
  minCents: 650,
  maxCents: 7_200,
  weight: 7,
  hasStoreNumber: true,
};
const RETAIL: SpendingCategory = {
  merchants: ["CANADIAN TIRE", "DOLLARAMA", "WALMART", "COSTCO WHOLESALE", "WINNERS", "HOME DEPOT"],
  minCents: 800,
  maxCents: 24_000,
  weight: 10,
  hasStoreNumber: true,
};
const ONLINE: SpendingCategory = {
  merchants: ["AMAZON.CA", "AMAZON.CA MARKETPLACE", "UBER EATS", "SKIPTHEDISHES", "APPLE.COM/BILL"],
  minCents: 499,
  maxCents: 15_000,
  weight: 9,
  hasStoreNumber: false,
};

/** Interac debit purchases on the chequing account: everyday, mostly small. */
const DEBIT_CARD_SPENDING: readonly SpendingCategory[] = [GROCERIES, COFFEE, GAS, RESTAURANTS, PHARMACIES, RETAIL];

/** The credit card carries the bigger and the online purchases. */
const CREDIT_CARD_SPENDING: readonly SpendingCategory[] = [
  { ...GROCERIES, weight: 10 },
  { ...RESTAURANTS, weight: 14 },
  { ...GAS, weight: 8 },
  { ...RETAIL, weight: 12 },
  { ...ONLINE, weight: 16 },
];

const EMPLOYERS = [
  "ACME CORP",
  "CGI INC",
  "HYDRO ONE",
  "SHOPIFY INC",
  "BOMBARDIER INC",
  "CANADA POST",
  "LOBLAW COMPANIES",
  "UNIVERSITE DE MONTREAL",
  "GOVERNMENT OF CANADA",
] as const;

const PROPERTY_MANAGERS = ["GESTION IMMOBILIERE BRETON", "CAPREIT", "MINTO PROPERTIES", "GROUPE MAURICE", "BOARDWALK RENTAL"] as const;

const PHONE_PROVIDERS = ["BELL CANADA", "ROGERS", "TELUS", "FIDO", "VIDEOTRON", "KOODO MOBILE"] as const;

const INTERNET_PROVIDERS = ["BELL CANADA", "ROGERS", "VIDEOTRON", "TELUS", "COGECO"] as const;

const HOME_INSURERS = ["INTACT INSURANCE", "DESJARDINS GENERAL INS", "BELAIRDIRECT", "TD INSURANCE", "AVIVA CANADA"] as const;

const FIRST_NAMES = [
  "Marie",
  "Jean",
  "Olivia",
  "Liam",
  "Chloé",
  "Noah",
  "Emma",
  "William",
  "Sophie",
  "Mathieu",
  "Priya",
  "Wei",
  "Aisha",
  "Daniel",
  "Camille",
  "Ethan",
] as const;

const LAST_NAMES = [
  "Tremblay",
  "Gagnon",
  "Roy",
  "Côté",
  "Bouchard",
  "Smith",
  "Brown",
  "Wilson",
  "MacDonald",
  "Singh",
  "Nguyen",
  "Chen",
  "Martin",
  "Lévesque",
  "Campbell",
  "Patel",
] as const;

/** Business logins carry the business name (Flinks' KYB change: https://docs.flinks.com/changelog/2024-11). */
const BUSINESS_NAME_SUFFIXES = ["Consulting Inc.", "Renovations Ltd.", "Design Inc.", "Services Ltée", "Technologies Inc."] as const;

const CANADIAN_CITIES: readonly RegionCity[] = [
  {
    city: "Montréal",
    province: "QC",
    postalCodePrefix: "H",
    areaCode: "514",
    streets: ["rue Saint-Denis", "avenue du Mont-Royal Est", "boulevard Saint-Laurent", "rue Sherbrooke Ouest"],
    electricityUtility: "HYDRO-QUEBEC",
  },
  {
    city: "Québec",
    province: "QC",
    postalCodePrefix: "G",
    areaCode: "418",
    streets: ["rue Saint-Jean", "chemin Sainte-Foy", "boulevard René-Lévesque Ouest"],
    electricityUtility: "HYDRO-QUEBEC",
  },
  {
    city: "Toronto",
    province: "ON",
    postalCodePrefix: "M",
    areaCode: "416",
    streets: ["York Street", "Queen Street West", "Bloor Street East", "Spadina Avenue"],
    electricityUtility: "TORONTO HYDRO",
  },
  {
    city: "Ottawa",
    province: "ON",
    postalCodePrefix: "K",
    areaCode: "613",
    streets: ["Bank Street", "Elgin Street", "Wellington Street West"],
    electricityUtility: "HYDRO OTTAWA",
  },
  {
    city: "Vancouver",
    province: "BC",
    postalCodePrefix: "V",
    areaCode: "604",
    streets: ["Granville Street", "West Broadway", "Commercial Drive"],
    electricityUtility: "BC HYDRO",
  },
  {
    city: "Calgary",
    province: "AB",
    postalCodePrefix: "T",
    areaCode: "403",
    streets: ["17 Avenue SW", "Macleod Trail SE", "Kensington Road NW"],
    electricityUtility: "ENMAX",
  },
  {
    city: "Halifax",
    province: "NS",
    postalCodePrefix: "B",
    areaCode: "902",
    streets: ["Spring Garden Road", "Barrington Street", "Quinpool Road"],
    electricityUtility: "NOVA SCOTIA POWER",
  },
  {
    city: "Winnipeg",
    province: "MB",
    postalCodePrefix: "R",
    areaCode: "204",
    streets: ["Portage Avenue", "Corydon Avenue", "Main Street"],
    electricityUtility: "MANITOBA HYDRO",
  },
];

/** Canada Post never uses D, F, I, O, Q or U in postal codes. */
const POSTAL_CODE_LETTERS = "ABCEGHJKLMNPRSTVWXYZ";

const EMAIL_DOMAINS = ["gmail.com", "outlook.com", "hotmail.com", "yahoo.ca", "videotron.ca", "sympatico.ca"] as const;

// The sandbox institution's number, as in Flinks' /GetAccountsDetail example
// (https://docs.flinks.com/api/connect/endpoints/account-linking/get-accounts-detail).
const SANDBOX_INSTITUTION_NUMBER = "777";

/** A forward sortation area then a local delivery unit: "H2X 1Y4". */
function drawCanadianPostalCode(city: RegionCity, random: Random): string {
  return `${city.postalCodePrefix}${random.intBetween(1, 9)}${drawPostalLetter(random)} ${random.intBetween(0, 9)}${drawPostalLetter(random)}${random.intBetween(0, 9)}`;
}

function drawPostalLetter(random: Random): string {
  return POSTAL_CODE_LETTERS.charAt(random.intBetween(0, POSTAL_CODE_LETTERS.length - 1));
}

export const CANADIAN_VOCABULARY: RegionVocabulary = {
  countryCode: "CA",
  currency: "CAD",
  institutionNumber: SANDBOX_INSTITUTION_NUMBER,
  accountTitles: { chequing: "Chequing Account", savings: "Savings Account", creditCard: "Visa Infinite", lineOfCredit: "Line of Credit" },
  cities: CANADIAN_CITIES,
  drawPostalCode: drawCanadianPostalCode,
  // The customer's branch: five digits, as TransitNumber carries it in Flinks' /GetAccountsDetail
  // example.
  drawTransitNumber: (random) => String(random.intBetween(10_000, 99_999)),
  firstNames: FIRST_NAMES,
  lastNames: LAST_NAMES,
  businessNameSuffixes: BUSINESS_NAME_SUFFIXES,
  emailDomains: EMAIL_DOMAINS,
  businessDomainSuffix: ".ca",
  employers: EMPLOYERS,
  propertyManagers: PROPERTY_MANAGERS,
  phoneProviders: PHONE_PROVIDERS,
  internetProviders: INTERNET_PROVIDERS,
  homeInsurers: HOME_INSURERS,
  debitCardSpending: DEBIT_CARD_SPENDING,
  creditCardSpending: CREDIT_CARD_SPENDING,
  wording: {
    payroll: (employer) => `PAYROLL DEPOSIT - ${employer}`,
    rentPayment: (propertyManager) => `RENT PAYMENT - ${propertyManager}`,
    mortgagePayment: "MORTGAGE PAYMENT",
    atmWithdrawal: (place) => `ATM WITHDRAWAL - BRANCH ${place.transitNumber}`,
    // Canadians pay people by Interac e-Transfer; these lines draw nothing, as before regions existed.
    paymentToPerson: (payee) => `INTERAC E-TRANSFER TO ${payee}`,
    paymentFromPerson: (payee) => `INTERAC E-TRANSFER FROM ${payee}`,
    deposit: "MOBILE CHEQUE DEPOSIT",
    transferFromSavings: "TRANSFER FROM SAVINGS",
    transferToSavings: "TRANSFER TO SAVINGS",
    transferFromChequing: "TRANSFER FROM CHEQUING",
    transferToChequing: "TRANSFER TO CHEQUING",
    savingsInterest: "INTEREST",
    cardPayment: "PAYMENT - THANK YOU",
    cardPaymentFromChequing: "CREDIT CARD PAYMENT - VISA",
    cashAdvance: "CASH ADVANCE - TRANSFER TO CHEQUING",
    cashAdvanceToChequing: "CASH ADVANCE FROM VISA",
    lineOfCreditInterest: "INTEREST CHARGE",
    lineOfCreditAdvance: "ADVANCE - TRANSFER TO CHEQUING",
    lineOfCreditPayment: "PAYMENT - THANK YOU",
    lineOfCreditPaymentFromChequing: "LINE OF CREDIT PAYMENT",
    transferFromLineOfCredit: "TRANSFER FROM LINE OF CREDIT",
  },
};
