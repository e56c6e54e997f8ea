// Session list filters live in the page URL (?status=ready&has_errors=true…)
// so a filtered list can be bookmarked, shared and restored with Back.
import type {SessionFilters} from '../api/types';

export const filterKeys = ['status', 'user', 'url', 'min_duration', 'has_errors', 'from', 'to'] as const;
export type FilterKey = (typeof filterKeys)[number];
export type FilterValues = Record<FilterKey, string>;

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

// What the API expects: dates as epoch ms, the rest as typed.
export function toApiFilters(values: FilterValues): SessionFilters {
  return {
    status: values.status,
    user: values.user.trim(),
    url: values.url.trim(),
    min_duration: values.min_duration,
    has_errors: values.has_errors,
    from: values.from ? dayToMs(values.from, false) : '',
    to: values.to ? dayToMs(values.to, true) : '',
  };
}
