import {type FormEvent, useState} from 'react';
import {errorMessage} from '../api/client';
import {api} from '../api/endpoints';
import type {ApiKey, CreatedApiKey, KeyScope, Project} from '../api/types';
import {ConfirmDialog, Dialog} from '../components/Dialog';
import {CopyButton} from '../components/CopyButton';
import {AlertIcon} from '../components/icons';
import {Badge, Button, Card, InlineError, LoadError, Loading, Notice, SelectField, TextField} from '../components/ui';
import {formatDate, formatRelative} from '../lib/format';
import {useAsync} from '../lib/useAsync';
import {installSnippet, keyPlaceholder} from './snippet';

export function ApiKeysTab({project}: {project: Project}) {
  const keys = useAsync(() => api.apiKeys(project.id), [project.id]);
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);

  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_minmax(0,24rem)]">
      <div className="min-w-0 space-y-6">
        <InstallCard />
        <Card title="API keys">
          {keys.loading && !keys.data ? (
            <Loading label="Loading keys…" />
          ) : keys.error ? (
            <LoadError title="Keys could not be loaded" error={keys.error} onRetry={() => keys.reload()} />
          ) : keys.data!.length === 0 ? (
            <Notice title="No keys yet">
              Create an ingest key for the snippet, or a read key for scripts using the API.
            </Notice>
          ) : (
            <KeyTable keys={keys.data!} onRevoke={setRevoking} />
          )}
        </Card>
      </div>
      <CreateKeyCard
        project={project}
        onCreated={(result) => {
          setCreated(result);
          keys.setData((list) => [result.api_key, ...(list ?? [])]);
        }}
      />

      <SecretDialog created={created} onClose={() => setCreated(null)} />
      <ConfirmDialog
        open={revoking != null}
        onClose={() => setRevoking(null)}
        title="Revoke this key?"
        confirmLabel="Revoke key"
        onConfirm={async () => {
          await api.revokeApiKey(project.id, revoking!.id);
          keys.reload(true);
        }}
      >
        <p>
          <strong className="font-medium text-slate-900">{revoking?.name}</strong> ({revoking?.prefix}…) stops working
          at once. Pages or scripts still using it will be refused. This cannot be undone.
        </p>
      </ConfirmDialog>
    </div>
  );
}

function InstallCard() {
  const snippet = installSnippet(keyPlaceholder);
  return (
    <Card title="Install the recorder" actions={<CopyButton text={snippet} label="Copy snippet" />}>
      <p className="mb-3 text-sm text-slate-600">
        Paste this before <code className="font-mono text-xs">&lt;/body&gt;</code> on every page you want to record,
        with an <strong className="font-medium">ingest</strong> key in place of{' '}
        <code className="font-mono text-xs">{keyPlaceholder}</code>.
      </p>
      <Code>{snippet}</Code>
    </Card>
  );
}

function Code({children, testId}: {children: string; testId?: string}) {
  return (
    <pre
      data-testid={testId}
      className="overflow-x-auto rounded-lg bg-slate-900 p-3 font-mono text-xs leading-relaxed break-all whitespace-pre-wrap text-slate-100"
    >
      {children}
    </pre>
  );
}

function keyState(key: ApiKey): {label: string; tone: 'green' | 'gray' | 'red'} {
  if (key.revoked_at) return {label: `Revoked ${formatDate(key.revoked_at)}`, tone: 'red'};
  if (key.expires_at && key.expires_at <= Date.now()) return {label: 'Expired', tone: 'gray'};
  return {label: 'Active', tone: 'green'};
}

function KeyTable({keys, onRevoke}: {keys: ApiKey[]; onRevoke: (key: ApiKey) => void}) {
  return (
    <ul className="-my-2 divide-y divide-slate-100" aria-label="API keys">
      {keys.map((key) => {
        const state = keyState(key);
        return (
          <li key={key.id} data-testid="api-key-row" className="flex flex-wrap items-center gap-x-4 gap-y-2 py-3">
            <div className="min-w-0 flex-1">
              <div className="flex flex-wrap items-center gap-2">
                <span className={`font-medium ${key.revoked_at ? 'text-slate-400 line-through' : 'text-slate-900'}`}>
                  {key.name}
                </span>
                <Badge tone={key.scope === 'read' ? 'violet' : 'blue'}>{key.scope}</Badge>
                <Badge tone={state.tone}>{state.label}</Badge>
              </div>
              <p className="mt-1 text-xs text-slate-500">
                <code className="font-mono text-slate-700">{key.prefix}…</code> · created {formatDate(key.created_at)} ·
                last used {formatRelative(key.last_used_at)}
                {key.expires_at ? ` · expires ${formatDate(key.expires_at)}` : ''}
              </p>
            </div>
            {!key.revoked_at && (
              <Button
                size="sm"
                variant="ghost"
                className="text-rose-600 hover:text-rose-700"
                onClick={() => onRevoke(key)}
              >
                Revoke
              </Button>
            )}
          </li>
        );
      })}
    </ul>
  );
}

function CreateKeyCard({project, onCreated}: {project: Project; onCreated: (created: CreatedApiKey) => void}) {
  const [name, setName] = useState('');
  const [scope, setScope] = useState<KeyScope>('ingest');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onCreated(await api.createApiKey(project.id, name.trim(), scope));
      setName('');
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card title="Create a key" className="self-start">
      <form onSubmit={submit} className="space-y-4">
        <TextField
          label="Key name"
          required
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder="Production site"
        />
        <SelectField
          label="Scope"
          value={scope}
          onChange={(e) => setScope(e.target.value as KeyScope)}
          hint={
            scope === 'ingest'
              ? 'Public: goes in your web pages and can only send recordings.'
              : 'Secret: reads this project’s sessions through the API. Keep it out of web pages.'
          }
        >
          <option value="ingest">Ingest (recording)</option>
          <option value="read">Read (API access)</option>
        </SelectField>
        {error != null && <InlineError>{errorMessage(error)}</InlineError>}
        <Button type="submit" variant="primary" busy={busy} disabled={!name.trim()} className="w-full">
          Create key
        </Button>
      </form>
    </Card>
  );
}

// A read key's first use: this project's newest sessions through the API.
function readExample(secret: string): string {
  return `curl -H 'Authorization: Bearer ${secret}' '${window.location.origin}/api/sessions?limit=5'`;
}

// Shows a new key's secret exactly once; the server keeps only its hash.
function SecretDialog({created, onClose}: {created: CreatedApiKey | null; onClose: () => void}) {
  const secret = created?.secret ?? '';
  return (
    <Dialog
      open={created != null}
      onClose={onClose}
      title="Copy your new key now"
      footer={
        <Button variant="primary" onClick={onClose}>
          I have copied it
        </Button>
      }
    >
      <p className="flex gap-2 rounded-lg bg-amber-50 p-3 text-amber-900 ring-1 ring-amber-200">
        <AlertIcon className="mt-0.5 shrink-0" />
        This is the only time the secret is shown. Store it somewhere safe; if you lose it, revoke the key and create
        another.
      </p>
      <div className="flex items-center gap-2">
        <code
          data-testid="api-key-secret"
          className="min-w-0 flex-1 rounded-lg bg-slate-100 px-3 py-2 font-mono text-sm break-all text-slate-900 select-all"
        >
          {secret}
        </code>
        <CopyButton text={secret} size="md" />
      </div>
      {created?.api_key.scope === 'read' && (
        <div>
          <div className="mb-2 flex items-center justify-between gap-2">
            <p className="font-medium text-slate-700">Try it</p>
            <CopyButton text={readExample(secret)} label="Copy command" />
          </div>
          <Code testId="read-example">{readExample(secret)}</Code>
        </div>
      )}
      {created?.api_key.scope === 'ingest' && (
        <div>
          <div className="mb-2 flex items-center justify-between gap-2">
            <p className="font-medium text-slate-700">Snippet with this key</p>
            <CopyButton text={installSnippet(secret)} label="Copy snippet" />
          </div>
          <Code testId="install-snippet">{installSnippet(secret)}</Code>
        </div>
      )}
    </Dialog>
  );
}
