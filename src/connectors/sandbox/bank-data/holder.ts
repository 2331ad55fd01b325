import type { Holder } from "../../types.js";
import type { Profile } from "./profile.js";
import { toStatementText } from "./statement-lines.js";

/** The KYC identity: the customer, or on a Business login a company named after them. */
export function createHolder(profile: Profile, loginType: "Personal" | "Business"): Holder {
  const address = {
    civicAddress: profile.civicAddress,
    city: profile.city.city,
    province: profile.city.province,
    postalCode: profile.postalCode,
    poBox: null,
    country: profile.vocabulary.countryCode,
  };
  if (loginType === "Business") {
    const name = `${profile.lastName} ${profile.businessNameSuffix}`;
    const webDomain = `${toEmailText(profile.lastName)}${toEmailText(profile.businessNameSuffix.split(" ")[0] ?? "")}${profile.vocabulary.businessDomainSuffix}`;
    return { name, address, email: `info@${webDomain}`, phoneNumber: profile.phoneNumber };
  }
  return {
    name: `${profile.firstName} ${profile.lastName}`,
    address,
    email: `${toEmailText(profile.firstName)}.${toEmailText(profile.lastName)}@${profile.emailDomain}`,
    phoneNumber: profile.phoneNumber,
  };
}

/** Email addresses and web domains allow only unaccented lowercase letters and digits. */
function toEmailText(text: string): string {
  return toStatementText(text)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "");
}
