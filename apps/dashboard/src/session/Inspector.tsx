// The panes beside the player, one at a time behind tabs: the event list,
// the console, the network requests and the notes.
import {type ReactNode, useState} from 'react';
import {focusRing} from '../components/ui';

export interface InspectorTab {
  id: string;
  label: string;
  count: number;
  content: ReactNode;
}

export function Inspector({tabs}: {tabs: InspectorTab[]}) {
  const [selected, setSelected] = useState(tabs[0].id);
  const current = tabs.find((tab) => tab.id === selected) ?? tabs[0];
  return (
    <section className="min-w-0 rounded-xl bg-white shadow-sm ring-1 ring-slate-200" data-testid="inspector">
      <div
        role="tablist"
        aria-label="Session details"
        className="flex gap-1 overflow-x-auto border-b border-slate-100 px-2 pt-2"
      >
        {tabs.map((tab) => (
          <button
            key={tab.id}
            type="button"
            role="tab"
            id={`tab-${tab.id}`}
            aria-selected={tab.id === current.id}
            aria-controls={`panel-${tab.id}`}
            onClick={() => setSelected(tab.id)}
            className={`-mb-px rounded-t-md border-b-2 px-3 py-2 text-sm font-medium ${focusRing} ${
              tab.id === current.id
                ? 'border-indigo-600 text-indigo-700'
                : 'border-transparent text-slate-500 hover:text-slate-800'
            }`}
          >
            {tab.label}
            <span className="ml-1.5 rounded-full bg-slate-100 px-1.5 text-xs text-slate-600 tabular-nums">
              {tab.count}
            </span>
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${current.id}`} aria-labelledby={`tab-${current.id}`} className="p-3">
        {current.content}
      </div>
    </section>
  );
}
