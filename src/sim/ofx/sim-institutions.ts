/**
 * The banks the OFX simulator plays, each with the profile it advertises (PROFRS SIGNONINFO and
 * message sets). Mounted at `/sim/ofx/{id}`; docs/connectors/ofx.md lists them.
 */
export interface OfxSimInstitution {
  id: string;
  name: string;
  org: string;
  fid: string;
  /** CLIENTUIDREQ: a signon without a CLIENTUID gets 15510. */
  clientUidRequired: boolean;
  /** MFACHALLENGESUPT: the MFA users are challenged (elsewhere they sign on without MFA). */
  mfaSupported: boolean;
  /** CLOSINGAVAIL on the bank and card message sets (STMTENDRQ, CCSTMTENDRQ served). */
  closingAvailable: boolean;
  /** USERCRED1LABEL, and the value every user of this bank must send. */
  userCred1?: { label: string; value: string };
  /** AUTHTOKENFIRST with AUTHTOKENLABEL, and the token every user of this bank must send once. */
  authToken?: { label: string; value: string };
}

export const DEFAULT_OFX_SIM_INSTITUTIONS: readonly OfxSimInstitution[] = [
  // A current bank: CLIENTUID, MFA, ACCESSKEY, closing information.
  {
    id: "ofxsim",
    name: "OFX Credit Union (simulator)",
    org: "OFXSIM",
    fid: "7001",
    clientUidRequired: true,
    mfaSupported: true,
    closingAvailable: true,
  },
  // A 1.0.2-era bank: no CLIENTUID, no MFA, no closing information (what libofx and old ofxclient speak).
  {
    id: "ofxsim-classic",
    name: "Classic Savings Bank (simulator)",
    org: "OFXSIMC",
    fid: "7002",
    clientUidRequired: false,
    mfaSupported: false,
    closingAvailable: false,
  },
  // Extra credentials: a member number on every signon and a one-time token before the first.
  {
    id: "ofxsim-extra",
    name: "Token Federal (simulator)",
    org: "OFXSIMX",
    fid: "7003",
    clientUidRequired: true,
    mfaSupported: true,
    closingAvailable: false,
    userCred1: { label: "Member number", value: "246810" },
    authToken: { label: "One-time code from your security token", value: "135790" },
  },
];

/** The same bank as an older client sees it: no CLIENTUID, MFA, extra credentials or AUTHTOKEN. */
export function withoutSignonExtensions(institution: OfxSimInstitution): OfxSimInstitution {
  return { ...institution, clientUidRequired: false, mfaSupported: false, userCred1: undefined, authToken: undefined };
}
