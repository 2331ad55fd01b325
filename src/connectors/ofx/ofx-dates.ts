/** OFX datetimes: `YYYYMMDDHHMMSS.XXX[gmt offset:tz name]`, any prefix of it down to the date. */

/** A UTC instant as OFX writes it, with the zone spelled out so no reader guesses it. */
export function formatOfxDateTime(at: Date): string {
  const iso = at.toISOString();
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}.${iso.slice(20, 23)}[0:GMT]`;
}

/** The calendar day an OFX datetime names, as the institution wrote it (its own time zone), YYYY-MM-DD. */
export function dayOfOfxDate(text: string | undefined): string | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})/.exec(text?.trim() ?? "");
  if (!match) return undefined;
  const [, year, month, day] = match;
  const date = new Date(`${year}-${month}-${day}T00:00:00Z`);
  return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== `${year}-${month}-${day}`
    ? undefined
    : `${year}-${month}-${day}`;
}

/** The instant an OFX datetime names: its zone offset applied, UTC when it has none. */
export function parseOfxDateTime(text: string | undefined): Date | undefined {
  const match =
    /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(?:(\d{2})(?:\.(\d{1,3}))?)?)?\s*(?:\[([+-]?\d{1,2}(?:\.\d+)?)(?::[A-Za-z]*)?\])?/.exec(
      text?.trim() ?? "",
    );
  if (!match || !dayOfOfxDate(text)) return undefined;
  const [, y, mo, d, h = "00", mi = "00", s = "00", ms = "0", offset = "0"] = match;
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Number(ms.padEnd(3, "0")));
  const result = new Date(utc - Number(offset) * 3_600_000);
  return Number.isNaN(result.getTime()) ? undefined : result;
}
