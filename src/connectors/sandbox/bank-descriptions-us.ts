import { positiveModulo } from "./bank-data/calendar.js";
import type { RegionCity, RegionVocabulary, SpendingCategory } from "./bank-data/region-vocabulary.js";
import { hashText, type Random } from "./bank-data/seeded-random.js";

/**
 * What a US bank statement looks like: merchants, ACH-style payroll and bill lines,
 * Zelle, Venmo and checks, US cities with their ZIP codes and utilities. Data and formats
 * only — the rules that pick from it are the Canadian ones, in bank-data/.
 */

const GROCERIES: SpendingCategory = {
  merchants: ["KROGER", "SAFEWAY", "PUBLIX", "WHOLE FOODS MKT", "TRADER JOE'S", "ALDI", "H-E-B", "WEGMANS"],
  minCents: 1_850,
  maxCents: 18_500,
  weight: 22,
  hasStoreNumber: true,
};
const COFFEE: SpendingCategory = {
  merchants: ["STARBUCKS", "DUNKIN", "PEET'S COFFEE", "DUTCH BROS"],
  minCents: 225,
  maxCents: 1_450,
  weight: 20,
  hasStoreNumber: true,
};
const GAS: SpendingCategory = {
  merchants: ["SHELL OIL", "CHEVRON", "EXXONMOBIL", "BP", "SPEEDWAY", "WAWA"],
  minCents: 3_000,
  maxCents: 9_500,
  weight: 10,
  hasStoreNumber: true,
};
const RESTAURANTS: SpendingCategory = {
  merchants: ["CHIPOTLE", "CHICK-FIL-A", "MCDONALD'S", "PANERA BREAD", "TACO BELL", "OLIVE GARDEN", "SUBWAY", "SHAKE SHACK"],
  minCents: 1_100,
  maxCents: 9_800,
  weight: 14,
  hasStoreNumber: true,
};
const PHARMACIES: SpendingCategory = {
  merchants: ["CVS/PHARMACY", "WALGREENS", "RITE AID"],
  minCents: 650,
  maxCents: 7_200,
  weight: 7,
  hasStoreNumber: true,
};
const RETAIL: SpendingCategory = {
  merchants: ["TARGET", "WALMART", "COSTCO WHSE", "HOME DEPOT", "LOWE'S", "BEST BUY", "TJ MAXX"],
  minCents: 800,
  maxCents: 24_000,
  weight: 10,
  hasStoreNumber: true,
};
const ONLINE: SpendingCategory = {
  merchants: ["AMAZON.COM", "AMZN MKTP US", "DOORDASH", "UBER EATS", "APPLE.COM/BILL"],
  minCents: 499,
  maxCents: 15_000,
  weight: 9,
  hasStoreNumber: false,
};

const US_CITIES: readonly RegionCity[] = [
  {
    city: "New York",
    province: "NY",
    postalCodePrefix: "100",
    areaCode: "212",
    streets: ["Broadway", "Amsterdam Avenue", "West 86th Street", "Lexington Avenue"],
    electricityUtility: "CON EDISON",
  },
  {
    city: "Chicago",
    province: "IL",
    postalCodePrefix: "606",
    areaCode: "312",
    streets: ["North Clark Street", "West Belmont Avenue", "South Michigan Avenue"],
    electricityUtility: "COMED",
  },
  {
    city: "Los Angeles",
    province: "CA",
    postalCodePrefix: "900",
    areaCode: "213",
    streets: ["Sunset Boulevard", "Wilshire Boulevard", "Melrose Avenue"],
    electricityUtility: "LADWP",
  },
  {
    city: "Houston",
    province: "TX",
    postalCodePrefix: "770",
    areaCode: "713",
    streets: ["Westheimer Road", "Montrose Boulevard", "Main Street"],
    electricityUtility: "RELIANT ENERGY",
  },
  {
    city: "Seattle",
    province: "WA",
    postalCodePrefix: "981",
    areaCode: "206",
    streets: ["Pike Street", "Aurora Avenue North", "15th Avenue East"],
    electricityUtility: "SEATTLE CITY LIGHT",
  },
  {
    city: "Boston",
    province: "MA",
    postalCodePrefix: "021",
    areaCode: "617",
    streets: ["Commonwealth Avenue", "Beacon Street", "Tremont Street"],
    electricityUtility: "EVERSOURCE",
  },
  {
    city: "Atlanta",
    province: "GA",
    postalCodePrefix: "303",
    areaCode: "404",
    streets: ["Peachtree Street NE", "Ponce de Leon Avenue NE", "Piedmont Avenue NE"],
    electricityUtility: "GEORGIA POWER",
  },
  {
    city: "Denver",
    province: "CO",
    postalCodePrefix: "802",
    areaCode: "303",
    streets: ["East Colfax Avenue", "South Broadway", "Larimer Street"],
    electricityUtility: "XCEL ENERGY",
  },
  {
    city: "Miami",
    province: "FL",
    postalCodePrefix: "331",
    areaCode: "305",
    streets: ["Biscayne Boulevard", "Collins Avenue", "SW 8th Street"],
    electricityUtility: "FPL",
  },
  {
    city: "Phoenix",
    province: "AZ",
    postalCodePrefix: "850",
    areaCode: "602",
    streets: ["East Camelback Road", "North Central Avenue", "West Indian School Road"],
    electricityUtility: "APS",
  },
];

/**
 * The sandbox institution's ABA routing number (checksum-valid: 3·7·1 weights sum to a
 * multiple of 10). A US bank has one routing number for all its customers' accounts, as
 * Canada has one institution number, so it is fixed rather than drawn.
 */
const SANDBOX_ROUTING_NUMBER = "011777775";

/** ACH lines carry the originator's 10-digit company id; one per company, stable across customers. */
function achCompanyId(company: string): string {
  return String(hashText(company)).padStart(10, "0");
}

/** Check numbers rise with the date, as a checkbook's do. */
function checkNumber(epochDay: number): number {
  return 1_001 + positiveModulo(epochDay, 8_999);
}

function paymentToPerson(payee: string, random: Random, epochDay: number): string {
  const roll = random.fraction();
  if (roll < 0.5) return `ZELLE PAYMENT TO ${payee}`;
  if (roll < 0.8) return `VENMO PAYMENT ${payee}`;
  return `CHECK #${checkNumber(epochDay)}`;
}

export const US_VOCABULARY: RegionVocabulary = {
  countryCode: "US",
  currency: "USD",
  // No US equivalent of Canada's institution number: the routing number carries the bank.
  institutionNumber: null,
  accountTitles: {
    chequing: "Checking Account",
    savings: "Savings Account",
    creditCard: "Visa Signature",
    lineOfCredit: "Personal Line of Credit",
  },
  cities: US_CITIES,
  drawPostalCode: (city, random) => `${city.postalCodePrefix}${String(random.intBetween(1, 99)).padStart(2, "0")}`,
  drawTransitNumber: () => SANDBOX_ROUTING_NUMBER,
  firstNames: [
    "James",
    "Mary",
    "Michael",
    "Jennifer",
    "Robert",
    "Linda",
    "David",
    "María",
    "José",
    "Aaliyah",
    "DeShawn",
    "Emily",
    "Kevin",
    "Mei",
    "Carlos",
    "Ashley",
  ],
  lastNames: [
    "Johnson",
    "Williams",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernández",
    "Lopez",
    "Anderson",
    "Thomas",
    "Jackson",
    "Lee",
    "Kim",
    "Washington",
    "O'Brien",
  ],
  businessNameSuffixes: ["Consulting LLC", "Renovations Inc.", "Design Co.", "Services LLC", "Technologies Inc."],
  emailDomains: ["gmail.com", "outlook.com", "yahoo.com", "icloud.com", "aol.com", "comcast.net"],
  businessDomainSuffix: ".com",
  employers: [
    "ACME CORP",
    "WALMART INC",
    "AMAZON.COM SVCS",
    "KAISER PERMANENTE",
    "US POSTAL SERVICE",
    "STATE OF TEXAS",
    "DELTA AIR LINES",
    "TARGET CORP",
    "GUSTO PAYROLL",
  ],
  propertyManagers: ["GREYSTAR", "EQUITY RESIDENTIAL", "AVALONBAY", "CAMDEN PROPERTY", "MAA APARTMENTS"],
  phoneProviders: ["VERIZON WIRELESS", "AT&T MOBILITY", "T-MOBILE", "CRICKET WIRELESS", "MINT MOBILE"],
  internetProviders: ["COMCAST XFINITY", "SPECTRUM", "VERIZON FIOS", "AT&T INTERNET", "COX COMMUNICATIONS"],
  homeInsurers: ["STATE FARM", "GEICO", "ALLSTATE", "PROGRESSIVE", "LIBERTY MUTUAL"],
  debitCardSpending: [GROCERIES, COFFEE, GAS, RESTAURANTS, PHARMACIES, RETAIL],
  creditCardSpending: [
    { ...GROCERIES, weight: 10 },
    { ...RESTAURANTS, weight: 14 },
    { ...GAS, weight: 8 },
    { ...RETAIL, weight: 12 },
    { ...ONLINE, weight: 16 },
  ],
  wording: {
    payroll: (employer) => `${employer} DIRECT DEP PPD ID: ${achCompanyId(employer)}`,
    rentPayment: (propertyManager) => `${propertyManager} RENT WEB ID: ${achCompanyId(propertyManager)}`,
    mortgagePayment: `ROCKET MORTGAGE PMT PPD ID: ${achCompanyId("ROCKET MORTGAGE")}`,
    atmWithdrawal: (place) => `ATM WITHDRAWAL ${place.city.city.toUpperCase()} ${place.city.province}`,
    paymentToPerson,
    paymentFromPerson: (payee, random) => (random.fraction() < 0.6 ? `ZELLE PAYMENT FROM ${payee}` : "VENMO CASHOUT"),
    deposit: "MOBILE CHECK DEPOSIT",
    transferFromSavings: "ONLINE TRANSFER FROM SAVINGS",
    transferToSavings: "ONLINE TRANSFER TO SAVINGS",
    transferFromChequing: "ONLINE TRANSFER FROM CHECKING",
    transferToChequing: "ONLINE TRANSFER TO CHECKING",
    savingsInterest: "INTEREST PAYMENT",
    cardPayment: "AUTOPAY PAYMENT - THANK YOU",
    cardPaymentFromChequing: "VISA CARD AUTOPAY",
    cashAdvance: "CASH ADVANCE - TRANSFER TO CHECKING",
    cashAdvanceToChequing: "CASH ADVANCE FROM VISA",
    lineOfCreditInterest: "INTEREST CHARGED",
    lineOfCreditAdvance: "ADVANCE - TRANSFER TO CHECKING",
    lineOfCreditPayment: "PAYMENT - THANK YOU",
    lineOfCreditPaymentFromChequing: "LINE OF CREDIT PAYMENT",
    transferFromLineOfCredit: "TRANSFER FROM LINE OF CREDIT",
  },
};
