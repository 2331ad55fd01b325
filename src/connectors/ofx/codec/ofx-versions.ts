/**
 * The OFX versions bankgate speaks. 1.x is SGML with a colon header; 2.x is XML with an
 * `<?OFX ...?>` processing instruction. 1.5.1 and 1.6 added MFA, CLIENTUID and USERCRED1/2
 * to the SGML line; 2.0.3 and later carry the same in XML.
 */
export const OFX_VERSIONS = [102, 103, 151, 160, 200, 201, 202, 203, 210, 211, 220] as const;
export type OfxVersion = (typeof OFX_VERSIONS)[number];

export type OfxSyntax = "sgml" | "xml";

export function isOfxVersion(value: number): value is OfxVersion {
  return (OFX_VERSIONS as readonly number[]).includes(value);
}

export function syntaxOf(version: OfxVersion): OfxSyntax {
  return version < 200 ? "sgml" : "xml";
}

/**
 * Whether a version has the signon extensions of OFX 1.0.3 and 2.0.3 (CLIENTUID, USERCRED1/2,
 * AUTHTOKEN, ACCESSKEY, the MFA challenge aggregates): a 1.0.2 or 2.0.0–2.0.2 reader may refuse
 * elements its DTD lacks.
 */
export function hasSignonExtensions(version: OfxVersion): boolean {
  return version !== 102 && version !== 200 && version !== 201 && version !== 202;
}
