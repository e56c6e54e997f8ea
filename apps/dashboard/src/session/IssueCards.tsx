import {useState} from 'react';
import type {Issue, SessionError} from '../api/types';
import {Badge, Card} from '../components/ui';
import {shortUrl} from '../lib/format';
import {JumpButton} from './JumpButton';

function IssueList({
  issues,
  empty,
  onJump,
  testId,
}: {
  issues: Issue[];
  empty: string;
  onJump: (ms: number) => void;
  testId: string;
}) {
  if (issues.length === 0) return <p className="text-sm text-slate-500">{empty}</p>;
  return (
    <ul className="space-y-2" data-testid={testId}>
      {issues.map((issue, i) => (
        <li key={i} className="flex items-start gap-2 text-sm">
          <JumpButton timeMs={issue.time_ms} onJump={onJump} />
          <div className="min-w-0 pt-0.5">
            <p className="truncate font-mono text-xs text-slate-800" title={issue.description}>
              {issue.description || issue.target?.tag || 'element'}
              {issue.count > 1 && <span className="ml-1 font-sans text-slate-500">×{issue.count}</span>}
            </p>
            <p className="truncate text-xs text-slate-500" title={issue.url}>
              {shortUrl(issue.url)} · at {Math.round(issue.x)}, {Math.round(issue.y)}
            </p>
          </div>
        </li>
      ))}
    </ul>
  );
}

export function RageClicksCard({issues, onJump}: {issues: Issue[]; onJump: (ms: number) => void}) {
  return (
    <Card
      title="Rage clicks"
      data-testid="rage-card"
      actions={issues.length > 0 && <Badge tone="amber">{issues.length}</Badge>}
    >
      <IssueList issues={issues} empty="None — no bursts of repeated clicks." onJump={onJump} testId="rage-list" />
    </Card>
  );
}

export function DeadClicksCard({issues, onJump}: {issues: Issue[]; onJump: (ms: number) => void}) {
  return (
    <Card
      title="Dead clicks"
      data-testid="dead-card"
      actions={issues.length > 0 && <Badge tone="amber">{issues.length}</Badge>}
    >
      <IssueList issues={issues} empty="None — every click changed the page." onJump={onJump} testId="dead-list" />
    </Card>
  );
}

function ErrorItem({error, onJump}: {error: SessionError; onJump: (ms: number) => void}) {
  const [open, setOpen] = useState(false);
  return (
    <li className="flex items-start gap-2 text-sm">
      <JumpButton timeMs={error.time_ms} onJump={onJump} />
      <div className="min-w-0 flex-1 pt-0.5">
        <p className="break-words text-slate-800">
          <Badge tone="red" className="mr-1.5">
            {error.kind}
          </Badge>
          {error.message || 'No message'}
        </p>
        {(error.source || error.url) && (
          <p className="mt-0.5 truncate text-xs text-slate-500" title={error.source || error.url}>
            {error.source || shortUrl(error.url)}
          </p>
        )}
        {error.stack && (
          <>
            <button
              type="button"
              className="mt-1 text-xs text-indigo-600 hover:text-indigo-500"
              aria-expanded={open}
              onClick={() => setOpen(!open)}
            >
              {open ? 'Hide stack' : 'Show stack'}
            </button>
            {open && (
              <pre className="mt-1 max-h-48 overflow-auto rounded-md bg-slate-50 p-2 font-mono text-[11px] leading-snug whitespace-pre-wrap text-slate-700 ring-1 ring-slate-200">
                {error.stack}
              </pre>
            )}
          </>
        )}
      </div>
    </li>
  );
}

export function ErrorsCard({errors, onJump}: {errors: SessionError[]; onJump: (ms: number) => void}) {
  return (
    <Card
      title="Errors"
      data-testid="errors-card"
      actions={errors.length > 0 && <Badge tone="red">{errors.length}</Badge>}
    >
      {errors.length === 0 ? (
        <p className="text-sm text-slate-500">No JavaScript errors recorded.</p>
      ) : (
        <ul className="space-y-3" data-testid="errors-list">
          {errors.map((error, i) => (
            <ErrorItem key={i} error={error} onJump={onJump} />
          ))}
        </ul>
      )}
    </Card>
  );
}
