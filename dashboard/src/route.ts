import { useEffect, useState } from "preact/hooks";

export type Section = "cards" | "sessions" | "clock" | "webhooks" | "jobs" | "usage" | "scripts";
export const SECTIONS: readonly Section[] = ["cards", "sessions", "clock", "webhooks", "jobs", "usage", "scripts"];

/** Where the page is: `#/cards`, `#/cards/{loginId}`, `#/sessions/{requestId}` … (a hash, so the server serves one page). */
export interface Route {
  section: Section;
  id: string | null;
}

export function parseRoute(hash: string): Route {
  const [section, id] = hash.replace(/^#\/?/, "").split("/");
  const known = SECTIONS.find((s) => s === section) ?? "cards";
  return { section: known, id: id ? decodeURIComponent(id) : null };
}

export function href(section: Section, id?: string): string {
  return `#/${section}${id ? `/${encodeURIComponent(id)}` : ""}`;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(location.hash));
    addEventListener("hashchange", onChange);
    return () => removeEventListener("hashchange", onChange);
  }, []);
  return route;
}
