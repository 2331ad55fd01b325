import { CONNECT_EVENT_SCHEMA_VERSION, type ConnectStep, type ErrorFields, type InfoStep, type StepFields } from "./events";

export interface Emit {
  <S extends InfoStep>(step: S, ...fields: StepFields[S] extends Record<never, never> ? [StepFields[S]?] : [StepFields[S]]): void;
  error(step: Exclude<ConnectStep, InfoStep>, fields: ErrorFields): void;
}

/**
 * Posts events to the embedding page, only at the customer's allow-listed origins (never
 * "*"): the browser delivers a message only when the parent's origin is the target, so a
 * page on any other origin — a look-alike, `null` — receives nothing. Where Chromium tells
 * the parent's origin (`location.ancestorOrigins`), only that one target is tried.
 */
export function createEmitter(options: { parentOrigins: string[]; stringify: boolean; tag: string | null }): Emit {
  const target = window.parent !== window ? window.parent : (window.opener as Window | null);
  const ancestor = window.location.ancestorOrigins?.[0];
  const origins = ancestor !== undefined ? options.parentOrigins.filter((o) => o === ancestor) : options.parentOrigins;
  const post = (event: Record<string, unknown>) => {
    if (!target) return;
    const message = options.stringify ? JSON.stringify(event) : event;
    for (const origin of origins) target.postMessage(message, origin);
  };
  const envelope = (step: string, fields: object) => ({
    step,
    ...fields,
    schemaVersion: CONNECT_EVENT_SCHEMA_VERSION,
    ...(options.tag !== null ? { tag: options.tag } : {}),
  });
  const emit = ((step: InfoStep, fields: object = {}) => post(envelope(step, fields))) as Emit;
  emit.error = (step, fields) => post(envelope(step, fields));
  return emit;
}
