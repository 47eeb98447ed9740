// Every string the app shows comes from one catalog per language (en.json, es.json; a test checks they
// have the same keys). Placeholders are `{name}`; plurals are keys ending in `.one` / `.other` (and any
// other CLDR category a language needs), chosen with Intl.PluralRules. Dates and numbers go through Intl.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import en from './en.json';
import es from './es.json';

export type Lang = 'en' | 'es';
export type Key = keyof typeof en;
const catalogs: Record<Lang, Record<string, string>> = { en, es };
export const LANGS: Lang[] = ['en', 'es'];
const STORAGE_KEY = 'groundwork.lang';

/// The language kept in this browser, else the browser's own, else English.
export function initialLang(): Lang {
  try {
    const kept = localStorage.getItem(STORAGE_KEY);
    if (kept === 'en' || kept === 'es') return kept;
  } catch {
    /* storage unavailable: fall through to the browser's language */
  }
  for (const tag of navigator.languages ?? [navigator.language]) {
    const base = tag.toLowerCase().split('-')[0];
    if (base === 'es' || base === 'en') return base;
  }
  return 'en';
}

export function keepLang(lang: Lang): void {
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    /* not kept: the next visit starts from the browser's language */
  }
}

/// Adds the texts of a screen loaded on demand (its own catalogs, `imports.en.json` and so on, checked by the
/// same test), so the first screen does not carry them.
export function addCatalogs(extra: Record<Lang, Record<string, string>>): void {
  for (const lang of LANGS) Object.assign(catalogs[lang], extra[lang]);
}

export interface I18n {
  lang: Lang;
  t: (key: Key, vars?: Record<string, string | number>) => string;
  /// `base` names a family of keys `base.one`, `base.other`, …; `{count}` is the formatted number.
  plural: (base: string, count: number, vars?: Record<string, string | number>) => string;
  number: (value: number) => string;
  percent: (share: number) => string;
  date: (iso: string) => string;
  /// A moment's day in a phone row's few characters: "28 Nov" this year, "28 Nov 2025" before.
  shortDate: (iso: string) => string;
  dateTime: (iso: string) => string;
}

function fill(text: string, vars: Record<string, string | number> | undefined): string {
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

export function makeI18n(lang: Lang): I18n {
  const catalog = catalogs[lang];
  const numbers = new Intl.NumberFormat(lang);
  const percents = new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 0 });
  const dates = new Intl.DateTimeFormat(lang, { dateStyle: 'medium' });
  const dateTimes = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' });
  const shortDays = new Intl.DateTimeFormat(lang, { day: 'numeric', month: 'short' });
  const shortDaysWithYear = new Intl.DateTimeFormat(lang, { day: 'numeric', month: 'short', year: 'numeric' });
  const rules = new Intl.PluralRules(lang);
  const english: Record<string, string> = catalogs.en;
  const t = (key: Key, vars?: Record<string, string | number>) => fill(catalog[key] ?? english[key] ?? key, vars);
  return {
    lang,
    t,
    plural(base, count, vars) {
      const category = rules.select(count);
      const text = catalog[`${base}.${category}`] ?? catalog[`${base}.other`] ?? base;
      return fill(text, { ...vars, count: numbers.format(count) });
    },
    number: (value) => numbers.format(value),
    percent: (share) => percents.format(share),
    date(iso) {
      // A calendar date (YYYY-MM-DD) is a day, not an instant: format it without a time-zone shift.
      const day = /^\d{4}-\d{2}-\d{2}$/.test(iso) ? new Date(`${iso}T12:00:00`) : new Date(iso);
      return dates.format(day);
    },
    shortDate(iso) {
      const day = new Date(iso);
      return (day.getFullYear() === new Date().getFullYear() ? shortDays : shortDaysWithYear).format(day);
    },
    dateTime: (iso) => dateTimes.format(new Date(iso)),
  };
}

export const I18nContext = createContext<I18n>(makeI18n('en'));
export const useI18n = (): I18n => useContext(I18nContext);
