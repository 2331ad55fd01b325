/**
 * What a Canadian bank statement looks like: the payees, merchants and places the
 * sandbox generator draws from. Data only — the rules that pick from it live in
 * bank-data/ (profile.ts, statement-lines.ts).
 */

export interface SpendingCategory {
  merchants: readonly string[];
  minCents: number;
  maxCents: number;
  /** Relative frequency among the categories of one table. */
  weight: number;
  /** Chains print a store number ("TIM HORTONS #2817"); online merchants do not. */
  hasStoreNumber: boolean;
}

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
export const DEBIT_CARD_SPENDING: readonly SpendingCategory[] = [GROCERIES, COFFEE, GAS, RESTAURANTS, PHARMACIES, RETAIL];

/** The credit card carries the bigger and the online purchases. */
export const CREDIT_CARD_SPENDING: readonly SpendingCategory[] = [
  { ...GROCERIES, weight: 10 },
  { ...RESTAURANTS, weight: 14 },
  { ...GAS, weight: 8 },
  { ...RETAIL, weight: 12 },
  { ...ONLINE, weight: 16 },
];

export const EMPLOYERS = [
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

export const PROPERTY_MANAGERS = [
  "GESTION IMMOBILIERE BRETON",
  "CAPREIT",
  "MINTO PROPERTIES",
  "GROUPE MAURICE",
  "BOARDWALK RENTAL",
] as const;

export const PHONE_PROVIDERS = ["BELL CANADA", "ROGERS", "TELUS", "FIDO", "VIDEOTRON", "KOODO MOBILE"] as const;

export const INTERNET_PROVIDERS = ["BELL CANADA", "ROGERS", "VIDEOTRON", "TELUS", "COGECO"] as const;

export const HOME_INSURERS = ["INTACT INSURANCE", "DESJARDINS GENERAL INS", "BELAIRDIRECT", "TD INSURANCE", "AVIVA CANADA"] as const;

export const FIRST_NAMES = [
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

export const LAST_NAMES = [
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

/** Business logins carry the business name (D-CHANGELOG 2024-11: KYB). */
export const BUSINESS_NAME_SUFFIXES = ["Consulting Inc.", "Renovations Ltd.", "Design Inc.", "Services Ltée", "Technologies Inc."] as const;

export interface CanadianCity {
  city: string;
  /** Two-letter province code, as Flinks' Holder.Address.Province carries it. */
  province: string;
  /** Canada Post's forward sortation areas start with a letter fixed by region. */
  postalCodeLetter: string;
  areaCode: string;
  streets: readonly string[];
  /** The electricity utility that bills homes in this city. */
  electricityUtility: string;
}

export const CANADIAN_CITIES: readonly CanadianCity[] = [
  {
    city: "Montréal",
    province: "QC",
    postalCodeLetter: "H",
    areaCode: "514",
    streets: ["rue Saint-Denis", "avenue du Mont-Royal Est", "boulevard Saint-Laurent", "rue Sherbrooke Ouest"],
    electricityUtility: "HYDRO-QUEBEC",
  },
  {
    city: "Québec",
    province: "QC",
    postalCodeLetter: "G",
    areaCode: "418",
    streets: ["rue Saint-Jean", "chemin Sainte-Foy", "boulevard René-Lévesque Ouest"],
    electricityUtility: "HYDRO-QUEBEC",
  },
  {
    city: "Toronto",
    province: "ON",
    postalCodeLetter: "M",
    areaCode: "416",
    streets: ["York Street", "Queen Street West", "Bloor Street East", "Spadina Avenue"],
    electricityUtility: "TORONTO HYDRO",
  },
  {
    city: "Ottawa",
    province: "ON",
    postalCodeLetter: "K",
    areaCode: "613",
    streets: ["Bank Street", "Elgin Street", "Wellington Street West"],
    electricityUtility: "HYDRO OTTAWA",
  },
  {
    city: "Vancouver",
    province: "BC",
    postalCodeLetter: "V",
    areaCode: "604",
    streets: ["Granville Street", "West Broadway", "Commercial Drive"],
    electricityUtility: "BC HYDRO",
  },
  {
    city: "Calgary",
    province: "AB",
    postalCodeLetter: "T",
    areaCode: "403",
    streets: ["17 Avenue SW", "Macleod Trail SE", "Kensington Road NW"],
    electricityUtility: "ENMAX",
  },
  {
    city: "Halifax",
    province: "NS",
    postalCodeLetter: "B",
    areaCode: "902",
    streets: ["Spring Garden Road", "Barrington Street", "Quinpool Road"],
    electricityUtility: "NOVA SCOTIA POWER",
  },
  {
    city: "Winnipeg",
    province: "MB",
    postalCodeLetter: "R",
    areaCode: "204",
    streets: ["Portage Avenue", "Corydon Avenue", "Main Street"],
    electricityUtility: "MANITOBA HYDRO",
  },
];

/** Canada Post never uses D, F, I, O, Q or U in postal codes. */
export const POSTAL_CODE_LETTERS = "ABCEGHJKLMNPRSTVWXYZ";

export const EMAIL_DOMAINS = ["gmail.com", "outlook.com", "hotmail.com", "yahoo.ca", "videotron.ca", "sympatico.ca"] as const;
