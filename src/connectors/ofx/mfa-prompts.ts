/**
 * The OFX standard challenge phrases (OFX 2.1.1 §2.5.4.2, MFA1–MFA30): the client shows its own
 * wording, so bankgate gives them as questions in the person's language. MFA24–MFA30 are
 * reserved, with no wording: the bank's label (or a generic line) is shown.
 */
const STANDARD: Readonly<Record<string, { en: string; fr: string }>> = {
  MFA1: { en: "What city were you born in?", fr: "Dans quelle ville êtes-vous né?" },
  MFA2: { en: "What is your date of birth (MM/DD/YYYY)?", fr: "Quelle est votre date de naissance (MM/JJ/AAAA)?" },
  MFA3: { en: "What is your debit card number?", fr: "Quel est le numéro de votre carte de débit?" },
  MFA4: { en: "What is your father's middle name?", fr: "Quel est le deuxième prénom de votre père?" },
  MFA5: { en: "What is your favorite color?", fr: "Quelle est votre couleur préférée?" },
  MFA6: { en: "What was your first pet's name?", fr: "Quel était le nom de votre premier animal de compagnie?" },
  MFA7: { en: "What is your five-digit ZIP code?", fr: "Quel est votre code ZIP à cinq chiffres?" },
  MFA8: { en: "What is your paternal grandmother's maiden name?", fr: "Quel est le nom de jeune fille de votre grand-mère paternelle?" },
  MFA9: { en: "What is your maternal grandmother's maiden name?", fr: "Quel est le nom de jeune fille de votre grand-mère maternelle?" },
  MFA10: {
    en: "What are the last four digits of your cell phone number?",
    fr: "Quels sont les quatre derniers chiffres de votre numéro de cellulaire?",
  },
  MFA11: {
    en: "What are the last four digits of your daytime phone number?",
    fr: "Quels sont les quatre derniers chiffres de votre numéro de téléphone de jour?",
  },
  MFA12: {
    en: "What are the last four digits of your home phone number?",
    fr: "Quels sont les quatre derniers chiffres de votre numéro de téléphone à la maison?",
  },
  MFA13: {
    en: "What are the last four digits of your Social Security number?",
    fr: "Quels sont les quatre derniers chiffres de votre numéro de sécurité sociale?",
  },
  MFA14: {
    en: "What are the last four digits of your tax ID?",
    fr: "Quels sont les quatre derniers chiffres de votre numéro d'identification fiscale?",
  },
  MFA15: {
    en: "In which month was your youngest sibling born (written in full)?",
    fr: "En quel mois est né votre plus jeune frère ou sœur (en toutes lettres)?",
  },
  MFA16: { en: "What is your mother's maiden name?", fr: "Quel est le nom de jeune fille de votre mère?" },
  MFA17: { en: "What is your mother's middle name?", fr: "Quel est le deuxième prénom de votre mère?" },
  MFA18: { en: "What was the name of the company of your first job?", fr: "Quel est le nom de l'entreprise de votre premier emploi?" },
  MFA19: { en: "Which manufacturer made your first car?", fr: "Quel constructeur a fabriqué votre première voiture?" },
  MFA20: { en: "What is the name of the street you grew up on?", fr: "Sur quelle rue avez-vous grandi?" },
  MFA21: {
    en: "What was the name of your high school football team (without the school's name)?",
    fr: "Quel était le nom de l'équipe de football de votre école secondaire (sans le nom de l'école)?",
  },
  MFA22: { en: "What is the amount of a recent deposit or withdrawal?", fr: "Quel est le montant d'un dépôt ou d'un retrait récent?" },
  MFA23: { en: "What year were you born (YYYY)?", fr: "En quelle année êtes-vous né (AAAA)?" },
};

/** The prompt a person sees for a phrase: the standard wording, else the bank's label, else a generic line. */
export function promptOfPhrase(phraseId: string, label: string | undefined, language: "en" | "fr"): string {
  const standard = STANDARD[phraseId.toUpperCase()];
  if (standard) return standard[language];
  if (label) return label;
  return language === "fr" ? `Question de sécurité ${phraseId}` : `Security question ${phraseId}`;
}

/** The approval message of status 15510 (a TextOnly challenge: any answer continues). */
export function approvalPrompt(language: "en" | "fr"): string {
  return language === "fr"
    ? "Votre banque doit approuver cette application. Approuvez-la (courriel, texto ou services bancaires en ligne), puis continuez."
    : "Your bank must approve this app. Approve it (by email, text or in online banking), then continue.";
}

/** Values the client answers itself (MFA101–MFA107): facts about the client, not secrets of the person. */
export interface ClientFacts {
  now: Date;
  userAgent: string;
}

/** MFA101–MFA107: phrases about the client machine, answered by the connector. */
export function isClientPhrase(phraseId: string): boolean {
  return /^MFA10[1-7]$/i.test(phraseId);
}

/**
 * The answer to a client phrase, or undefined for a phrase the person answers. bankgate runs on
 * a server: it states fixed, honest-enough values for the machine facts (no real host, IP or
 * MAC address of the deployment leaves it).
 */
export function clientAnswer(phraseId: string, facts: ClientFacts): string | undefined {
  switch (phraseId.toUpperCase()) {
    case "MFA101":
      return facts.now.toISOString().replace(/[-:T]/g, "").slice(0, 14);
    case "MFA102":
      return "bankgate";
    case "MFA103":
      return "127.0.0.1";
    case "MFA104":
      return "00-00-00-00-00-00";
    case "MFA105":
      return "Linux";
    case "MFA106":
      return "X86_64";
    case "MFA107":
      return facts.userAgent;
    default:
      return undefined;
  }
}
