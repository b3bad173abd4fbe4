// Time zones for the time.* builtins: UTC, the process's local zone and IANA zones, with offsets taken from Intl.

export interface ZoneInfo {
  /** Seconds east of UTC. */
  readonly offset: number;
  /** Abbreviation as Go's "MST" layout element prints it. */
  readonly abbrev: string;
}

export interface Zone {
  readonly name: string;
  lookup(unixSec: number): ZoneInfo;
}

export const UTC: Zone = { name: 'UTC', lookup: () => ({ offset: 0, abbrev: 'UTC' }) };

const zones = new Map<string, Zone>();

/** tzdata names zones without a letter abbreviation by their offset ("+03", "+0530"). */
function numericAbbrev(offset: number): string {
  const sign = offset < 0 ? '-' : '+';
  const minutes = Math.floor(Math.abs(offset) / 60);
  const hh = String(Math.floor(minutes / 60)).padStart(2, '0');
  const mm = minutes % 60;
  return mm === 0 ? sign + hh : sign + hh + String(mm).padStart(2, '0');
}

function createIntlZone(name: string, timeZone: string): Zone {
  const wall = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
    era: 'short',
  });
  const short = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'short' });
  return {
    name,
    lookup(unixSec: number): ZoneInfo {
      const date = new Date(unixSec * 1000);
      const parts: Record<string, string> = {};
      for (const p of wall.formatToParts(date)) parts[p.type] = p.value;
      let year = Number(parts.year);
      if (parts.era === 'BC' || parts.era === 'B') year = 1 - year;
      const local = Date.UTC(0, Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
      // Date.UTC maps years 0-99 to 1900-1999, so set the year separately.
      const localDate = new Date(local);
      localDate.setUTCFullYear(year);
      const offset = Math.round((localDate.getTime() - unixSec * 1000) / 1000);
      const label = short.formatToParts(date).find((p) => p.type === 'timeZoneName')?.value ?? '';
      return { offset, abbrev: /^[A-Z]{3,5}$/.test(label) ? label : numericAbbrev(offset) };
    },
  };
}

/** Go's time.LoadLocation as OPA calls it: "" and "UTC" are UTC, "Local" is the process zone. */
export function loadZone(name: string): Zone | undefined {
  if (name === '' || name === 'UTC') return UTC;
  const cached = zones.get(name);
  if (cached) return cached;
  let zone: Zone;
  if (name === 'Local') {
    zone = createIntlZone('Local', new Intl.DateTimeFormat().resolvedOptions().timeZone);
  } else {
    // Go only loads IANA names; Intl would also take offsets such as "+05:30".
    if (!/^[A-Za-z]/.test(name)) return undefined;
    let resolved: string;
    try {
      zone = createIntlZone(name, name);
      resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
    } catch {
      return undefined;
    }
    // Go reads zone files by exact name; Intl matches names case-insensitively.
    if (resolved !== name && resolved.toLowerCase() === name.toLowerCase()) return undefined;
  }
  zones.set(name, zone);
  return zone;
}
