import type { OfxElement } from "./ofx-element.js";
import { unescapeText } from "./ofx-entities.js";
import { OfxSyntaxError } from "./ofx-syntax-error.js";

/** Deeper than any OFX aggregate nests (about 8): a deeper document is an attack or garbage. */
const MAX_DEPTH = 32;

/**
 * Builds the element tree of an OFX body, SGML or XML alike. SGML leaves may be left
 * unclosed (`<CODE>0`), and are told from aggregates the way OFX 1.x defines them: an
 * element has text, an aggregate has none. A close tag shuts the nearest open aggregate of
 * its name (aggregates left open inside it are closed with it, as lenient servers need). A
 * missing `>` on a close tag is forgiven: the OFX specification's own examples have it, and so
 * is anything after the closing </OFX>.
 * Every step consumes input, so the loop is bounded by the body's length.
 */
export function parseOfxBody(body: string): OfxElement {
  const root: OfxElement = { name: "#document", children: [] };
  const stack: OfxElement[] = [root];
  let position = 0;
  while (position < body.length) {
    const open = body.indexOf("<", position);
    if (open < 0) {
      assertBlank(body.slice(position));
      break;
    }
    assertBlank(body.slice(position, open));
    const parent = stack[stack.length - 1] as OfxElement;
    if (body.startsWith("<!--", open)) {
      position = endOf(body, "-->", open);
    } else if (body.startsWith("<?", open)) {
      position = endOf(body, "?>", open);
    } else if (body.startsWith("<!", open)) {
      throw new OfxSyntaxError("declaration", "OFX documents carry no <!…> declarations");
    } else if (body[open + 1] === "/") {
      const tag = readTagName(body, open + 2);
      position = tag.end;
      closeAggregate(stack, tag.name);
      // Whatever follows the closed <OFX> (some servers pad with NULs or a trailer) is not OFX's.
      if (stack.length === 1 && root.children.length === 1) break;
    } else {
      const tag = readTagName(body, open + 1);
      if (body[tag.end - 1] !== ">") {
        throw new OfxSyntaxError(tag.end >= body.length ? "truncated" : "malformed", `the tag <${tag.name} is not closed`);
      }
      const textEnd = nextTag(body, tag.end);
      const text = body.slice(tag.end, textEnd);
      const closesAtOnce = body.startsWith(`</${tag.name}`, textEnd) && isNameEnd(body[textEnd + tag.name.length + 2]);
      if (text.trim() !== "" || closesAtOnce) {
        parent.children.push({ name: tag.name, text: unescapeText(cdata(text.trim())), children: [] });
        position = closesAtOnce ? readTagName(body, textEnd + 2).end : textEnd;
      } else {
        if (stack.length > MAX_DEPTH) throw new OfxSyntaxError("malformed", `aggregates nest deeper than ${MAX_DEPTH}`);
        const aggregate: OfxElement = { name: tag.name, children: [] };
        parent.children.push(aggregate);
        stack.push(aggregate);
        position = tag.end;
      }
    }
  }
  if (stack.length > 1) throw new OfxSyntaxError("truncated", `the document ends inside <${stack[stack.length - 1]?.name}>`);
  const [ofx, ...rest] = root.children;
  if (ofx?.name !== "OFX" || ofx.text !== undefined || rest.length > 0) {
    throw new OfxSyntaxError("not-ofx", "the body is not one <OFX> aggregate");
  }
  return ofx;
}

function closeAggregate(stack: OfxElement[], name: string): void {
  // A stray close tag of a leaf already closed by its text (`<CODE>0 junk</CODE>`) is harmless.
  for (let index = stack.length - 1; index > 0; index--) {
    if (stack[index]?.name === name) {
      stack.length = index;
      return;
    }
  }
}

/** Where the next tag starts, skipping CDATA sections (XML) that may hold a "<". */
function nextTag(body: string, from: number): number {
  let position = from;
  for (;;) {
    const open = body.indexOf("<", position);
    if (open < 0) return body.length;
    if (!body.startsWith("<![CDATA[", open)) return open;
    position = endOf(body, "]]>", open);
  }
}

function cdata(text: string): string {
  return text.replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, (_, inner: string) => inner.replace(/&/g, "&amp;"));
}

function readTagName(body: string, from: number): { name: string; end: number } {
  const match = /^([A-Za-z][A-Za-z0-9._]{0,63})\s*(>?)/.exec(body.slice(from, from + 80));
  if (!match) throw new OfxSyntaxError(from >= body.length ? "truncated" : "malformed", "a tag without a valid name");
  return { name: (match[1] as string).toUpperCase(), end: from + match[0].length };
}

function isNameEnd(char: string | undefined): boolean {
  return char === undefined || !/[A-Za-z0-9._]/.test(char);
}

function endOf(body: string, terminator: string, from: number): number {
  const end = body.indexOf(terminator, from);
  if (end < 0) throw new OfxSyntaxError("truncated", `an unterminated ${terminator} section`);
  return end + terminator.length;
}

function assertBlank(text: string): void {
  if (text.trim() !== "") throw new OfxSyntaxError("malformed", "text outside any element");
}
