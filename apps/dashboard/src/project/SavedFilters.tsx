// Saved filters of a project: the current filters saved under a name,
// applied with one click, deleted when no longer wanted.
import {type FormEvent, useState} from 'react';
import {errorMessage} from '../api/client';
import {api} from '../api/endpoints';
import {XIcon} from '../components/icons';
import {Button, InlineError, Input, focusRing} from '../components/ui';
import {useAsync} from '../lib/useAsync';
import {type FilterValues, activeApiFilters, fromApiFilters, hasFilters} from './sessionFilters';

export function SavedFilters({
  projectId,
  values,
  onApply,
}: {
  projectId: string;
  values: FilterValues;
  onApply: (values: FilterValues) => void;
}) {
  const saved = useAsync(() => api.savedFilters(projectId), [projectId]);
  const [naming, setNaming] = useState(false);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const list = saved.data ?? [];

  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) return;
    setBusy(true);
    setError(null);
    try {
      const created = await api.saveFilter(projectId, name.trim(), activeApiFilters(values));
      saved.setData((current) => [...(current ?? []), created]);
      setNaming(false);
      setName('');
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  const remove = async (id: string) => {
    setError(null);
    try {
      await api.deleteSavedFilter(projectId, id);
      saved.setData((current) => current?.filter((f) => f.id !== id));
    } catch (failure) {
      setError(failure);
    }
  };

  if (!list.length && !hasFilters(values) && !saved.error) return null;
  return (
    <div className="space-y-2" data-testid="saved-filters">
      <div className="flex flex-wrap items-center gap-2">
        {list.length > 0 && <span className="text-xs font-medium text-slate-500">Saved:</span>}
        {list.map((filter) => (
          <span
            key={filter.id}
            className="inline-flex items-center rounded-full bg-white text-sm shadow-sm ring-1 ring-slate-200"
          >
            <button
              type="button"
              onClick={() => onApply(fromApiFilters(filter.filters))}
              className={`rounded-l-full py-1 pr-1 pl-3 text-slate-700 hover:text-indigo-600 ${focusRing}`}
            >
              {filter.name}
            </button>
            <button
              type="button"
              aria-label={`Delete saved filter ${filter.name}`}
              onClick={() => void remove(filter.id)}
              className={`rounded-r-full py-1 pr-2 pl-1 text-slate-400 hover:text-rose-600 ${focusRing}`}
            >
              <XIcon className="size-3.5" />
            </button>
          </span>
        ))}
        {hasFilters(values) &&
          (naming ? (
            <form onSubmit={(e) => void save(e)} className="flex items-center gap-2">
              <Input
                label="Name of the saved filter"
                placeholder="Name"
                value={name}
                maxLength={100}
                autoFocus
                onChange={(e) => setName(e.target.value)}
                className="py-1"
              />
              <Button type="submit" size="sm" variant="primary" busy={busy} disabled={!name.trim()}>
                Save
              </Button>
              <Button size="sm" variant="ghost" onClick={() => setNaming(false)}>
                Cancel
              </Button>
            </form>
          ) : (
            <Button size="sm" variant="ghost" onClick={() => setNaming(true)}>
              Save these filters
            </Button>
          ))}
      </div>
      {(error != null || saved.error != null) && <InlineError>{errorMessage(error ?? saved.error)}</InlineError>}
    </div>
  );
}
