import { childrenOf, type OfxElement, pathOf, textAt } from "./codec/ofx-element.js";

export interface MfaPhrase {
  phraseId: string;
  label?: string;
}

export interface SignonReply {
  code: number;
  accessKey?: string;
  /** MFACHALLENGERS' phrases when the request asked for them and the bank answered. */
  challenges?: MfaPhrase[];
}

/** The SONRS of a response; undefined when there is none (not an OFX signon answer). */
export function readSignonReply(root: OfxElement): SignonReply | undefined {
  const code = statusCodeAt(pathOf(root, "SIGNONMSGSRSV1/SONRS"));
  if (code === undefined) return undefined;
  const accessKey = textAt(root, "SIGNONMSGSRSV1/SONRS/ACCESSKEY");
  const challengeReply = pathOf(root, "SIGNONMSGSRSV1/MFACHALLENGETRNRS");
  const challenges =
    challengeReply && statusCodeAt(challengeReply) === 0
      ? childrenOf(pathOf(challengeReply, "MFACHALLENGERS"), "MFACHALLENGE").flatMap((c) => {
          const phraseId = textAt(c, "MFAPHRASEID");
          return phraseId ? [{ phraseId, label: textAt(c, "MFAPHRASELABEL") }] : [];
        })
      : undefined;
  return { code, accessKey, challenges: challenges && challenges.length > 0 ? challenges : undefined };
}

/** The STATUS/CODE of a response or transaction aggregate, as a number. */
export function statusCodeAt(parent: OfxElement | undefined): number | undefined {
  const text = textAt(parent, "STATUS/CODE");
  return text !== undefined && /^\d{1,6}$/.test(text) ? Number(text) : undefined;
}
