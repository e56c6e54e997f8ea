// Session list filters live in the page URL (?status=ready&has_errors=true…)
// so a filtered list can be bookmarked, shared and restored with Back.
import type {SessionFilters} from '../api/types';

export const filterKeys = [
  'status',
  'user',
  'url',
  'min_duration',
  'has_errors',
  'from',
  'to',
  // Search by what happened during the visit.
  'visited_url',
  'clicked_text',
  'console',
  'failed_request',
  'rage_click',
] as const;
export type FilterKey = (typeof filterKeys)[number];
export type FilterValues = Record<FilterKey, string>;

// Filters typed as text: applied after a pause in typing, sent trimmed.
export const textFilterKeys = ['user', 'url', 'min_duration', 'visited_url', 'clicked_text', 'console'] as const;
export type TextFilterKey = (typeof textFilterKeys)[number];

export const noFilters: FilterValues = readFilters('');

export function readFilters(search: string): FilterValues {
  const query = new URLSearchParams(search);
  return Object.fromEntries(filterKeys.map((key) => [key, query.get(key) ?? ''])) as FilterValues;
}

export function filtersToSearch(values: FilterValues): string {
  const query = new URLSearchParams();
  for (const key of filterKeys) if (values[key]) query.set(key, values[key]);
  const text = query.toString();
  return text ? `?${text}` : '';
}

export function hasFilters(values: FilterValues): boolean {
  return filterKeys.some((key) => values[key]);
}

// Local calendar day → epoch ms; `to` is inclusive of its whole day.
function dayToMs(day: string, endOfDay: boolean): string {
  const [y, m, d] = day.split('-').map(Number);
  if (!y || !m || !d) return '';
  const date = endOfDay ? new Date(y, m - 1, d + 1) : new Date(y, m - 1, d);
  return String(date.getTime() - (endOfDay ? 1 : 0));
}

// Epoch ms → local calendar day (YYYY-MM-DD).
function msToDay(ms: string): string {
  const n = Number(ms);
  if (!ms || !Number.isFinite(n)) return '';
  const date = new Date(n);
  const pad = (v: number) => String(v).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

// What the API expects: dates as epoch ms, text trimmed, the rest as chosen.
export function toApiFilters(values: FilterValues): SessionFilters {
  const api: Record<string, string> = {...values};
  for (const key of textFilterKeys) api[key] = values[key].trim();
  api.from = values.from ? dayToMs(values.from, false) : '';
  api.to = values.to ? dayToMs(values.to, true) : '';
  return api;
}

// The inverse of toApiFilters, for a saved filter (stored as the API's keys and values).
export function fromApiFilters(filters: Record<string, string>): FilterValues {
  const values = {...noFilters};
  for (const key of filterKeys) values[key] = filters[key] ?? '';
  values.from = msToDay(values.from);
  values.to = msToDay(values.to);
  return values;
}

// Only the filters that are set, as a saved filter stores them.
export function activeApiFilters(values: FilterValues): Record<string, string> {
  return Object.fromEntries(Object.entries(toApiFilters(values)).filter(([, value]) => value));
}
