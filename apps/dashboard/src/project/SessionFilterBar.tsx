import {type ChangeEvent, useEffect, useState} from 'react';
import {Button, SelectField, TextField} from '../components/ui';
import {
  type FilterKey,
  type FilterValues,
  type TextFilterKey,
  filterKeys,
  hasFilters,
  noFilters,
  textFilterKeys,
} from './sessionFilters';

type TextValues = Record<TextFilterKey, string>;
const textOf = (values: FilterValues): TextValues =>
  Object.fromEntries(textFilterKeys.map((key) => [key, values[key]])) as TextValues;
const sameText = (a: TextValues, b: TextValues) => textFilterKeys.every((key) => a[key] === b[key]);

// Text fields update the URL after a pause in typing; selects and dates at once.
const typingDelayMs = 350;

export function SessionFilterBar({values, onChange}: {values: FilterValues; onChange: (values: FilterValues) => void}) {
  const [text, setText] = useState(() => textOf(values));
  // On a phone the form folds behind a button; from `sm` up it is always open.
  const [open, setOpen] = useState(false);
  const active = filterKeys.filter((key) => values[key]).length;

  // Follow the URL when it changes from outside (Back button, "Clear filters").
  const outsideKey = JSON.stringify(textOf(values));
  useEffect(() => {
    setText(JSON.parse(outsideKey) as TextValues);
  }, [outsideKey]);

  useEffect(() => {
    if (sameText(text, textOf(values))) return;
    const id = window.setTimeout(() => onChange({...values, ...text}), typingDelayMs);
    return () => window.clearTimeout(id);
  }, [text, values, onChange]);

  const set = (key: FilterKey) => (event: ChangeEvent<HTMLInputElement | HTMLSelectElement>) =>
    onChange({...values, ...text, [key]: event.target.value});
  const typed = (key: TextFilterKey) => (event: ChangeEvent<HTMLInputElement>) =>
    setText((current) => ({...current, [key]: event.target.value}));

  return (
    <div>
      <Button
        className="w-full sm:hidden"
        aria-expanded={open}
        aria-controls="session-filters"
        onClick={() => setOpen(!open)}
      >
        {open ? 'Hide filters' : 'Filters'}
        {active > 0 && <span className="rounded-full bg-indigo-100 px-1.5 text-xs text-indigo-700">{active}</span>}
      </Button>
      <form
        id="session-filters"
        role="search"
        aria-label="Filter sessions"
        onSubmit={(e) => {
          e.preventDefault();
          onChange({...values, ...text});
        }}
        className={`${open ? 'mt-3 grid' : 'hidden'} grid-cols-2 gap-3 rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-200 sm:mt-0 sm:grid sm:grid-cols-4 lg:grid-cols-8`}
      >
        <SelectField label="Status" value={values.status} onChange={set('status')} className="col-span-1">
          <option value="">Any</option>
          <option value="recording">Recording</option>
          <option value="completed">Queued</option>
          <option value="rendering">Rendering</option>
          <option value="ready">Ready</option>
          <option value="failed">Failed</option>
          <option value="discarded">Discarded</option>
        </SelectField>
        <SelectField label="Errors" value={values.has_errors} onChange={set('has_errors')} className="col-span-1">
          <option value="">Any</option>
          <option value="true">With errors</option>
          <option value="false">Without errors</option>
        </SelectField>
        <TextField
          label="User"
          placeholder="id or email"
          value={text.user}
          onChange={typed('user')}
          className="col-span-2 lg:col-span-1"
        />
        <TextField
          label="URL contains"
          placeholder="/checkout"
          value={text.url}
          onChange={typed('url')}
          className="col-span-2 lg:col-span-2"
        />
        <TextField
          label="Min. duration (s)"
          type="number"
          min={0}
          value={text.min_duration}
          onChange={typed('min_duration')}
          className="col-span-2 sm:col-span-1 lg:col-span-1"
        />
        <TextField
          label="From"
          type="date"
          value={values.from}
          max={values.to || undefined}
          onChange={set('from')}
          className="col-span-1"
        />
        <TextField
          label="To"
          type="date"
          value={values.to}
          min={values.from || undefined}
          onChange={set('to')}
          className="col-span-1"
        />
        <TextField
          label="Visited URL"
          placeholder="any page, e.g. /pricing"
          value={text.visited_url}
          onChange={typed('visited_url')}
          className="col-span-2 lg:col-span-2"
        />
        <TextField
          label="Clicked text"
          placeholder="Add to cart"
          value={text.clicked_text}
          onChange={typed('clicked_text')}
          className="col-span-2 lg:col-span-2"
        />
        <TextField
          label="Console message"
          placeholder="TypeError"
          value={text.console}
          onChange={typed('console')}
          className="col-span-2 lg:col-span-2"
        />
        <SelectField
          label="Requests"
          value={values.failed_request}
          onChange={set('failed_request')}
          className="col-span-1"
        >
          <option value="">Any</option>
          <option value="true">With a failed request</option>
        </SelectField>
        <SelectField label="Rage clicks" value={values.rage_click} onChange={set('rage_click')} className="col-span-1">
          <option value="">Any</option>
          <option value="true">With rage clicks</option>
        </SelectField>
        {hasFilters(values) && (
          <div className="col-span-2 flex justify-end sm:col-span-4 lg:col-span-8">
            <Button size="sm" variant="ghost" onClick={() => onChange(noFilters)}>
              Clear filters
            </Button>
          </div>
        )}
      </form>
    </div>
  );
}
