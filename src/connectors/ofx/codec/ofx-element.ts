/**
 * An OFX document as a tree: an aggregate has children, an element has text. SGML (OFX 1.x)
 * and XML (OFX 2.x) parse to the same tree, so request builders and response readers never
 * care which syntax the institution speaks.
 */
export interface OfxElement {
  name: string;
  /** Set on elements (leaves); undefined on aggregates. */
  text?: string;
  children: OfxElement[];
}

/** An aggregate; undefined children are skipped, so optional parts read inline. */
export function aggregate(name: string, ...children: Array<OfxElement | undefined>): OfxElement {
  return { name, children: children.filter((c): c is OfxElement => c !== undefined) };
}

/**
 * An element with a value; undefined, null and empty values give no element at all (an empty
 * SGML element would read back as an aggregate).
 */
export function element(name: string, value: string | number | undefined | null): OfxElement | undefined {
  return value === undefined || value === null || value === "" ? undefined : { name, text: String(value), children: [] };
}

/** The first direct child named `name`. */
export function childOf(parent: OfxElement | undefined, name: string): OfxElement | undefined {
  return parent?.children.find((c) => c.name === name);
}

export function childrenOf(parent: OfxElement | undefined, name: string): OfxElement[] {
  return parent?.children.filter((c) => c.name === name) ?? [];
}

/** Follows a path of child names (`SIGNONMSGSRSV1/SONRS/STATUS/CODE`). */
export function pathOf(parent: OfxElement | undefined, path: string): OfxElement | undefined {
  let node = parent;
  for (const name of path.split("/")) node = childOf(node, name);
  return node;
}

/** The trimmed text at `path`, or undefined when absent or empty. */
export function textAt(parent: OfxElement | undefined, path: string): string | undefined {
  const text = pathOf(parent, path)?.text?.trim();
  return text ? text : undefined;
}

/** Every aggregate named `name` at any depth below `parent` (bounded by the tree's own size). */
export function descendantsOf(parent: OfxElement, name: string): OfxElement[] {
  const found: OfxElement[] = [];
  const stack = [...parent.children].reverse();
  while (stack.length > 0) {
    const node = stack.pop() as OfxElement;
    if (node.name === name) found.push(node);
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i] as OfxElement);
  }
  return found;
}
