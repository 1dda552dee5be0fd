// Swedish number and date formats, one place for every page.

const wholes = new Intl.NumberFormat('sv-SE', { maximumFractionDigits: 0 });
const decimals = new Map<number, Intl.NumberFormat>();

/** 1 234 567 (Swedish grouping with a no-break space). */
export function number(value: number, fractionDigits = 0): string {
  if (fractionDigits === 0) return wholes.format(value);
  let format = decimals.get(fractionDigits);
  if (!format) {
    format = new Intl.NumberFormat('sv-SE', { minimumFractionDigits: fractionDigits, maximumFractionDigits: fractionDigits });
    decimals.set(fractionDigits, format);
  }
  return format.format(value);
}

export const kronor = (value: number): string => `${number(value)} kr`;

/** Millions of kronor with one decimal: 24,0 Mkr. */
export const mkr = (value: number): string => `${number(value / 1_000_000, 1)} Mkr`;

/** A share 0..1 as a Swedish percentage: 27,4 %. */
export const percent = (share: number, fractionDigits = 1): string => `${number(share * 100, fractionDigits)} %`;

const monthFormat = new Intl.DateTimeFormat('sv-SE', { month: 'long', year: 'numeric', timeZone: 'UTC' });
const shortMonthFormat = new Intl.DateTimeFormat('sv-SE', { month: 'short', year: '2-digit', timeZone: 'UTC' });
const weekdayFormat = new Intl.DateTimeFormat('sv-SE', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

function utc(isoDate: string): Date {
  const [y, m, d] = isoDate.split('-').map(Number);
  return new Date(Date.UTC(y, (m ?? 1) - 1, d ?? 1));
}

/** "2026-11" or "2026-11-01" → "november 2026". */
export const monthName = (isoMonth: string): string => monthFormat.format(utc(isoMonth.slice(0, 7)));
/** "2026-11" → "nov. 26" for chart axes. */
export const shortMonth = (isoMonth: string): string => shortMonthFormat.format(utc(isoMonth.slice(0, 7)));
/** "2026-11-27" → "fredag 27 november 2026". */
export const longDate = (isoDate: string): string => weekdayFormat.format(utc(isoDate));

let hubClock: { today: string; hour: number } | null = null;

/** The hub's today and hour (from /api/me): the one clock, so a page asks for the days the hub counts as past. */
export function useHubClock(todayIso: string, hour: number): void {
  hubClock = { today: todayIso, hour };
}

/** Today's date in Norsjö (Europe/Stockholm), YYYY-MM-DD: the hub's, once signed in; the browser's before. */
export function today(): string {
  return hubClock?.today ?? new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm' }).format(new Date());
}

/** The hour of day in Norsjö now (the hub's, once signed in). */
export function hourNow(): number {
  return hubClock?.hour ?? Number(new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', hour: '2-digit', hourCycle: 'h23' }).format(new Date()));
}

export function addDays(isoDate: string, days: number): string {
  const date = utc(isoDate);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

export function addMonths(isoMonth: string, months: number): string {
  const date = utc(isoMonth.slice(0, 7));
  date.setUTCMonth(date.getUTCMonth() + months);
  return date.toISOString().slice(0, 7);
}

/** "för 3 minuter sedan", "för 2 timmar sedan", "för 4 dagar sedan". */
export function ago(minutes: number): string {
  if (minutes < 1) return 'nyss';
  if (minutes < 60) return `för ${number(Math.floor(minutes))} ${Math.floor(minutes) === 1 ? 'minut' : 'minuter'} sedan`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `för ${number(hours)} ${hours === 1 ? 'timme' : 'timmar'} sedan`;
  return `för ${number(Math.floor(hours / 24))} dagar sedan`;
}

export const weekdays = ['måndag', 'tisdag', 'onsdag', 'torsdag', 'fredag', 'lördag', 'söndag'];
export const weekdaysShort = ['mån', 'tis', 'ons', 'tor', 'fre', 'lör', 'sön'];

const categoryNames: Record<string, string> = {
  dagligvaror: 'Dagligvaror',
  tobak: 'Tobak',
  tidningar: 'Tidningar',
  blommor: 'Blommor',
  receptfria_lakemedel: 'Receptfria läkemedel',
  jarnhandel: 'Järnhandel',
  ombud: 'Ombud och tjänster',
  sallankopsvaror: 'Sällanköpsvaror',
};

export const categoryName = (category: string): string =>
  categoryNames[category] ?? category.charAt(0).toUpperCase() + category.slice(1).replaceAll('_', ' ');

const methodNames: Record<string, string> = {
  cash: 'Kontant',
  card: 'Kort',
  swish: 'Swish',
  invoice: 'Faktura',
  other: 'Övrigt',
};

export const paymentName = (method: string): string => methodNames[method] ?? method;

const localTimeFormat = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** An instant (ISO 8601 with offset, as the hub sends) as Norsjö's wall clock: "2026-12-01 19:40". Never UTC for a person to convert. */
export function localTime(instant: string): string {
  const parts = Object.fromEntries(localTimeFormat.formatToParts(new Date(instant)).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

/** Swedish quotation marks: ”Övriga orter”. */
export const quoted = (text: string): string => `”${text}”`;

/** Straight quotes from the hub's texts become Swedish ones (”…”), for text a person reads. */
export const swedishQuotes = (text: string): string => text.replace(/"([^"]*)"/g, '”$1”');

/** The Monday of the ISO week that holds the day. */
export function monday(isoDate: string): string {
  const date = utc(isoDate);
  return addDays(isoDate, -((date.getUTCDay() + 6) % 7));
}

/** "januari–oktober" for the months from..to of one year. */
export function monthSpan(fromIso: string, toIso: string): string {
  const name = (iso: string): string => new Intl.DateTimeFormat('sv-SE', { month: 'long', timeZone: 'UTC' }).format(utc(iso.slice(0, 7)));
  return fromIso.slice(0, 7) === toIso.slice(0, 7) ? name(fromIso) : `${name(fromIso)}–${name(toIso)}`;
}
