import { describe, expect, it } from "vitest";
import { aggregate, element, textAt } from "../../../src/connectors/ofx/codec/ofx-element.js";
import { OfxSyntaxError, type OfxSyntaxErrorKind } from "../../../src/connectors/ofx/codec/ofx-syntax-error.js";
import { parseOfx } from "../../../src/connectors/ofx/codec/parse-ofx.js";
import { serializeOfx } from "../../../src/connectors/ofx/codec/serialize-ofx.js";

const SGML_HEADER =
  "OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:102\r\nSECURITY:NONE\r\nENCODING:USASCII\r\nCHARSET:1252\r\nCOMPRESSION:NONE\r\nOLDFILEUID:NONE\r\nNEWFILEUID:NONE\r\n\r\n";
const XML_HEADER =
  '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n<?OFX OFXHEADER="200" VERSION="211" SECURITY="NONE" OLDFILEUID="NONE" NEWFILEUID="NONE"?>\n';

function kindOf(bytes: Uint8Array): OfxSyntaxErrorKind {
  try {
    parseOfx(bytes);
  } catch (error) {
    if (error instanceof OfxSyntaxError) return error.kind;
    throw error;
  }
  throw new Error("parsed");
}

describe("OFX codec", () => {
  it("reads SGML with unclosed elements, closed elements and CRLF", () => {
    const doc = parseOfx(
      Buffer.from(
        `${SGML_HEADER}<OFX>\r\n<SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS>\r\n<DTSERVER>20260115</DTSERVER><LANGUAGE>ENG</SONRS></SIGNONMSGSRSV1></OFX>`,
      ),
    );
    expect(doc).toMatchObject({ syntax: "sgml", version: 102 });
    expect(textAt(doc.root, "SIGNONMSGSRSV1/SONRS/STATUS/CODE")).toBe("0");
    expect(textAt(doc.root, "SIGNONMSGSRSV1/SONRS/DTSERVER")).toBe("20260115");
    expect(textAt(doc.root, "SIGNONMSGSRSV1/SONRS/LANGUAGE")).toBe("ENG");
  });

  it("reads the header on one line and LF line ends", () => {
    const doc = parseOfx(Buffer.from("OFXHEADER:100 DATA:OFXSGML VERSION:103 ENCODING:USASCII CHARSET:1252\n<OFX><A><B>x</A></OFX>"));
    expect(doc.version).toBe(103);
    expect(textAt(doc.root, "A/B")).toBe("x");
  });

  it("decodes Windows-1252 and entities, and leaves a bare ampersand alone", () => {
    const body = Buffer.concat([
      Buffer.from(`${SGML_HEADER}<OFX><A><NAME>CAF`),
      Buffer.from([0xc9, 0x20, 0x80, 0x35]), // "É €5" in Windows-1252
      Buffer.from("<MEMO>AT&T &amp; co &lt;3&gt; &#233;&#x41;</A></OFX>"),
    ]);
    const doc = parseOfx(body);
    expect(textAt(doc.root, "A/NAME")).toBe("CAFÉ €5");
    expect(textAt(doc.root, "A/MEMO")).toBe("AT&T & co <3> éA");
  });

  it("forgives a close tag without '>' as the specification's own examples write it", () => {
    const doc = parseOfx(
      Buffer.from(`${XML_HEADER}<OFX><MFACHALLENGERQ><DTCLIENT>20060321083020.000[0:GMT]</DTCLIENT\n</MFACHALLENGERQ></OFX>`),
    );
    expect(textAt(doc.root, "MFACHALLENGERQ/DTCLIENT")).toBe("20060321083020.000[0:GMT]");
  });

  it("ignores what follows the closing </OFX>", () => {
    const doc = parseOfx(Buffer.concat([Buffer.from(`${SGML_HEADER}<OFX><A><B>1</A></OFX>\r\n`), Buffer.alloc(4), Buffer.from("trailer")]));
    expect(textAt(doc.root, "A/B")).toBe("1");
  });

  it("writes SGML and XML that read back to the same tree", () => {
    const tree = aggregate("OFX", aggregate("A", element("NAME", "Café & <co>"), element("EMPTY", ""), aggregate("B", element("C", 5))));
    for (const version of [102, 160, 211] as const) {
      const bytes = serializeOfx(tree, { version, newFileUid: "X1" });
      const doc = parseOfx(bytes);
      expect(doc.version).toBe(version);
      expect(textAt(doc.root, "A/NAME")).toBe("Café & <co>");
      expect(textAt(doc.root, "A/B/C")).toBe("5");
      expect(doc.root.children[0]?.children.map((c) => c.name)).toEqual(["NAME", "B"]);
    }
    const sgml = serializeOfx(tree, { version: 102 }).toString("latin1");
    expect(sgml).toContain("\r\n<NAME>Caf\u00e9 &amp; &lt;co&gt;\r\n");
    expect(sgml).not.toContain("</NAME>");
  });

  it.each<[string, Uint8Array, OfxSyntaxErrorKind]>([
    ["an HTML page", Buffer.from("<!DOCTYPE html><html><body>Down for maintenance</body></html>"), "not-ofx"],
    ["JSON", Buffer.from('{"error":"nope"}'), "not-ofx"],
    ["an empty body", Buffer.alloc(0), "not-ofx"],
    ["truncated SGML", Buffer.from(`${SGML_HEADER}<OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>0`), "truncated"],
    ["SGML cut inside a tag", Buffer.from(`${SGML_HEADER}<OFX><SIGNONMSGSRSV1></SIGNONMSGSRSV1><BANKMSG`), "truncated"],
    ["an unknown version", Buffer.from(`${SGML_HEADER.replace("VERSION:102", "VERSION:999")}<OFX></OFX>`), "unsupported-version"],
    ["an unknown XML version", Buffer.from(`${XML_HEADER.replace('VERSION="211"', 'VERSION="300"')}<OFX></OFX>`), "unsupported-version"],
    ["an unknown charset", Buffer.from(`${SGML_HEADER.replace("CHARSET:1252", "CHARSET:EBCDIC")}<OFX></OFX>`), "bad-encoding"],
    [
      "UTF-8 declared, Latin-1 sent",
      Buffer.concat([Buffer.from(`${XML_HEADER}<OFX><A>caf`), Buffer.from([0xe9]), Buffer.from("</A></OFX>")]),
      "bad-encoding",
    ],
    [
      "an entity bomb",
      Buffer.from(`${XML_HEADER}<!DOCTYPE OFX [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><OFX><A>&b;</A></OFX>`),
      "declaration",
    ],
    ["aggregates nested past the limit", Buffer.from(`${SGML_HEADER}<OFX>${"<A>".repeat(100)}${"</A>".repeat(100)}</OFX>`), "malformed"],
    ["text outside elements", Buffer.from(`${SGML_HEADER}<OFX><A><B>1</A>junk</OFX>`), "malformed"],
  ])("refuses %s with a kind of its own", (_name, bytes, kind) => {
    expect(kindOf(bytes)).toBe(kind);
  });
});
