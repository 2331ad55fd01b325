import type { RegionCity, RegionVocabulary } from "./region-vocabulary.js";
import { hashText, mix32, Random } from "./seeded-random.js";

/** A recurring payment the customer has set up (rent, utilities, subscriptions). */
export interface Bill {
  description: string;
  dayOfMonth: number; // ≤ 28 so every month has it
  /** Zero-based month for yearly bills; absent for monthly ones. */
  monthOfYear?: number;
  baseCents: number;
  /** Month-to-month variation as a fraction of baseCents (electricity moves, rent does not). */
  spread: number;
}

/** Everything about the customer that stays the same from one day to the next. */
export type Profile = ReturnType<typeof createProfile>;

/**
 * Draws the whole customer from one stream salted with "profile"; the order of the draws
 * is part of the sandbox's data, so reordering them changes every seed's customer. The
 * vocabulary only changes what is drawn from, never how many draws are made, so a region's
 * tables of the same length would reproduce the same choices.
 *
 * `home` keeps an extra account's profile in the holder's city: the city is still drawn,
 * so the rest of the draw order does not depend on it.
 */
export function createProfile(seedHash: number, vocabulary: RegionVocabulary, home?: RegionCity) {
  const random = new Random(mix32(seedHash, hashText("profile")));
  const drawnCity = random.pick(vocabulary.cities);
  const city = home ?? drawnCity;
  const housingCents = 500 * random.intBetween(220, 480);
  const housing =
    random.fraction() < 0.55
      ? vocabulary.wording.rentPayment(random.pick(vocabulary.propertyManagers))
      : vocabulary.wording.mortgagePayment;
  const lineOfCreditFloorCents = 500 * random.intBetween(200, 800);
  const lineOfCreditPaydownCents = 100 * random.intBetween(120, 300);
  const lineOfCreditPeakCents = lineOfCreditFloorCents + 23 * lineOfCreditPaydownCents;
  const chequingBills: Bill[] = [
    { description: housing, dayOfMonth: 1, baseCents: housingCents, spread: 0 },
    { description: random.pick(vocabulary.homeInsurers), dayOfMonth: 5, baseCents: random.intBetween(2_500, 7_000), spread: 0 },
    {
      description: city.electricityUtility,
      dayOfMonth: random.intBetween(10, 16),
      baseCents: random.intBetween(6_000, 16_000),
      spread: 0.25,
    },
    {
      description: random.pick(vocabulary.phoneProviders),
      dayOfMonth: 18,
      baseCents: random.intBetween(4_500, 9_500),
      spread: 0.04,
    },
    {
      description: random.pick(vocabulary.internetProviders),
      dayOfMonth: 22,
      baseCents: random.intBetween(6_000, 11_000),
      spread: 0,
    },
  ];
  const creditCardBills: Bill[] = [
    {
      description: "NETFLIX.COM",
      dayOfMonth: random.intBetween(1, 28),
      baseCents: random.pick([799, 1_899, 2_399]),
      spread: 0,
    },
    { description: "SPOTIFY", dayOfMonth: random.intBetween(1, 28), baseCents: 1_199, spread: 0 },
    { description: "ANNUAL FEE", dayOfMonth: 3, monthOfYear: random.intBetween(0, 11), baseCents: 13_900, spread: 0 },
  ];
  return {
    seedHash,
    vocabulary,
    firstName: random.pick(vocabulary.firstNames),
    lastName: random.pick(vocabulary.lastNames),
    businessNameSuffix: random.pick(vocabulary.businessNameSuffixes),
    emailDomain: random.pick(vocabulary.emailDomains),
    city,
    civicAddress: `${random.intBetween(10, 4999)} ${random.pick(city.streets)}`,
    postalCode: vocabulary.drawPostalCode(city, random),
    // Canada and the US share the North American Numbering Plan: ten digits, area code first, as Flinks' PhoneNumber carries them.
    phoneNumber: `${city.areaCode}${random.intBetween(200, 999)}${String(random.intBetween(0, 9_999)).padStart(4, "0")}`,
    employer: random.pick(vocabulary.employers),
    payrollCents: random.intBetween(160_000, 320_000),
    /** 0 or 7: which alternate Friday is payday. */
    paydayOffsetDays: random.pick([0, 7]),
    chequingBills,
    creditCardBills,
    transitNumber: vocabulary.drawTransitNumber(random),
    chequingAccountNumber: String(random.intBetween(1_000_000, 9_999_999)),
    savingsAccountNumber: String(random.intBetween(1_000_000, 9_999_999)),
    lineOfCreditAccountNumber: String(random.intBetween(1_000_000, 9_999_999)),
    cardNumber: appendLuhnCheckDigit(
      `4${String(random.intBetween(0, 9_999_999)).padStart(7, "0")}${String(random.intBetween(0, 9_999_999)).padStart(7, "0")}`,
    ),
    overdraftLimitCents: random.pick([25_000, 50_000, 100_000]),
    creditCardLimitCents: random.pick([500_000, 1_000_000, 1_500_000]),
    // Room above the highest balance the credit line's cycle reaches, in $5,000 steps.
    lineOfCreditLimitCents: Math.ceil((lineOfCreditPeakCents * 1.4) / 500_000) * 500_000,
    housingCents,
    chequingCushionBaseCents: random.intBetween(150_000, 350_000),
    savingsOpeningBaseCents: random.intBetween(500_000, 3_500_000),
    creditCardOpeningBaseCents: random.intBetween(25_000, 70_000),
    lineOfCreditFloorCents,
    lineOfCreditPaydownCents,
    lineOfCreditCyclePhase: random.intBetween(0, 23),
  };
}

/** Card numbers pass the Luhn check, so clients that validate them accept sandbox cards. */
function appendLuhnCheckDigit(payload: string): string {
  let sum = 0;
  for (let positionFromRight = 0; positionFromRight < payload.length; positionFromRight++) {
    let digit = Number(payload.charAt(payload.length - 1 - positionFromRight));
    if (positionFromRight % 2 === 0) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return `${payload}${(10 - (sum % 10)) % 10}`;
}
