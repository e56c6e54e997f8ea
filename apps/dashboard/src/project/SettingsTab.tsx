import {type FormEvent, useState} from 'react';
import {errorMessage} from '../api/client';
import {api} from '../api/endpoints';
import type {FunnelStep, Project, ProjectSettings} from '../api/types';
import {ConfirmDialog} from '../components/Dialog';
import {ArrowDownIcon, ArrowUpIcon, CheckIcon, PlusIcon, TrashIcon} from '../components/icons';
import {Button, Card, InlineError, Input, SelectField, TextField} from '../components/ui';
import {navigate} from '../lib/router';
import {QuotaCard, type QuotaDraft, quotaDraftOf, quotasOf} from './QuotaCard';
import {StorageCard} from './StorageCard';

interface Draft {
  name: string;
  slug: string;
  domains: string[];
  minDurationSeconds: string;
  samplePercent: string;
  retentionDays: string;
  renderFetch: ProjectSettings['render_fetch'];
  funnel: FunnelStep[];
  quotas: QuotaDraft;
}

function draftOf(project: Project): Draft {
  return {
    name: project.name,
    slug: project.slug,
    domains: [...project.domains],
    minDurationSeconds: String(project.settings.min_duration_ms / 1000),
    samplePercent: String(Math.round(project.settings.sample_rate * 1000) / 10),
    retentionDays: String(project.settings.retention_days),
    renderFetch: project.settings.render_fetch,
    funnel: project.settings.funnel_steps.map((step) => ({...step})),
    quotas: quotaDraftOf(project.settings.quotas),
  };
}

function move<T>(list: T[], from: number, to: number): T[] {
  const next = [...list];
  const [item] = next.splice(from, 1);
  next.splice(to, 0, item);
  return next;
}

export function SettingsTab({project, onUpdated}: {project: Project; onUpdated: (project: Project) => void}) {
  const [draft, setDraft] = useState(() => draftOf(project));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const edit = (patch: Partial<Draft>) => {
    setSaved(false);
    setDraft((current) => ({...current, ...patch}));
  };

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const next = await api.updateProject(project.id, {
        name: draft.name.trim(),
        slug: draft.slug.trim(),
        domains: draft.domains.map((d) => d.trim()).filter(Boolean),
        settings: {
          min_duration_ms: Math.round(Number(draft.minDurationSeconds) * 1000),
          sample_rate: Number(draft.samplePercent) / 100,
          retention_days: Math.round(Number(draft.retentionDays)),
          render_fetch: draft.renderFetch,
          funnel_steps: draft.funnel
            .map((s) => ({name: s.name.trim(), url_pattern: s.url_pattern.trim()}))
            .filter((s) => s.name || s.url_pattern),
          quotas: quotasOf(draft.quotas),
        },
      });
      onUpdated(next);
      setDraft(draftOf(next));
      setSaved(true);
      if (next.slug !== project.slug) navigate(`/projects/${encodeURIComponent(next.slug)}/settings`, {replace: true});
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="space-y-6">
      <form onSubmit={save} className="space-y-6" aria-label="Project settings">
        <div className="grid gap-6 lg:grid-cols-2">
          <Card title="General">
            <div className="space-y-4">
              <TextField
                label="Project name"
                required
                value={draft.name}
                onChange={(e) => edit({name: e.target.value})}
              />
              <TextField
                label="Slug"
                required
                pattern="[a-z0-9][a-z0-9-]*"
                value={draft.slug}
                onChange={(e) => edit({slug: e.target.value})}
                hint="Renaming the slug keeps old links working through the project id."
                className="[&_input]:font-mono"
              />
            </div>
          </Card>

          <Card title="Recording">
            <div className="grid gap-4 sm:grid-cols-3">
              <TextField
                label="Minimum duration (s)"
                type="number"
                min={0}
                step="any"
                required
                value={draft.minDurationSeconds}
                onChange={(e) => edit({minDurationSeconds: e.target.value})}
                hint="Shorter sessions are discarded."
              />
              <TextField
                label="Sample rate (%)"
                type="number"
                min={0}
                max={100}
                step="any"
                required
                value={draft.samplePercent}
                onChange={(e) => edit({samplePercent: e.target.value})}
                hint="Share of visits recorded."
              />
              <TextField
                label="Retention (days)"
                type="number"
                min={1}
                step={1}
                required
                value={draft.retentionDays}
                onChange={(e) => edit({retentionDays: e.target.value})}
                hint="Older sessions are deleted."
              />
              <SelectField
                label="Video images and styles"
                value={draft.renderFetch}
                onChange={(e) => edit({renderFetch: e.target.value as Draft['renderFetch']})}
                hint="What the renderer may load from the web. Never the server's own network."
                className="sm:col-span-3"
              >
                <option value="public">From any public site</option>
                <option value="domains">Only from the allowed domains below</option>
                <option value="none">Nothing (the recording alone)</option>
              </SelectField>
            </div>
          </Card>
        </div>

        <Card title="Allowed domains">
          <p className="mb-3 text-sm text-slate-500">
            Only pages on these domains may send recordings with this project’s keys. Leave empty to accept any domain.
          </p>
          <ul className="space-y-2">
            {draft.domains.map((domain, i) => (
              <li key={i} className="flex gap-2">
                <Input
                  label={`Domain ${i + 1}`}
                  value={domain}
                  placeholder="shop.example.com"
                  onChange={(e) => edit({domains: draft.domains.map((d, j) => (j === i ? e.target.value : d))})}
                />
                <Button
                  variant="ghost"
                  aria-label={`Remove domain ${domain || i + 1}`}
                  onClick={() => edit({domains: draft.domains.filter((_, j) => j !== i)})}
                >
                  <TrashIcon />
                </Button>
              </li>
            ))}
          </ul>
          <Button size="sm" className="mt-3" onClick={() => edit({domains: [...draft.domains, '']})}>
            <PlusIcon />
            Add domain
          </Button>
        </Card>

        <Card title="Funnel steps">
          <p className="mb-3 text-sm text-slate-500">
            The pages a visit should pass through, in order. Each session’s analysis shows how far it got. Patterns
            match the URL; <code className="font-mono text-xs">*</code> matches anything.
          </p>
          {draft.funnel.length === 0 && <p className="mb-3 text-sm text-slate-400">No steps yet.</p>}
          <ol className="space-y-2">
            {draft.funnel.map((step, i) => {
              const setStep = (patch: Partial<FunnelStep>) =>
                edit({funnel: draft.funnel.map((s, j) => (j === i ? {...s, ...patch} : s))});
              return (
                <li
                  key={i}
                  data-testid="funnel-step"
                  className="flex flex-wrap items-center gap-2 rounded-lg bg-slate-50 p-2 ring-1 ring-slate-200 sm:flex-nowrap"
                >
                  <span className="flex size-6 shrink-0 items-center justify-center rounded-full bg-indigo-100 text-xs font-semibold text-indigo-700">
                    {i + 1}
                  </span>
                  <Input
                    label={`Step ${i + 1} name`}
                    placeholder="Checkout"
                    value={step.name}
                    onChange={(e) => setStep({name: e.target.value})}
                    className="sm:w-48"
                  />
                  <Input
                    label={`Step ${i + 1} URL pattern`}
                    placeholder="/checkout*"
                    value={step.url_pattern}
                    onChange={(e) => setStep({url_pattern: e.target.value})}
                    className="flex-1 font-mono"
                  />
                  <div className="ml-auto flex shrink-0">
                    <Button
                      variant="ghost"
                      size="sm"
                      aria-label={`Move step ${i + 1} up`}
                      disabled={i === 0}
                      onClick={() => edit({funnel: move(draft.funnel, i, i - 1)})}
                    >
                      <ArrowUpIcon />
                    </Button>
                    <Button
                      variant="ghost"
                      size="sm"
                      aria-label={`Move step ${i + 1} down`}
                      disabled={i === draft.funnel.length - 1}
                      onClick={() => edit({funnel: move(draft.funnel, i, i + 1)})}
                    >
                      <ArrowDownIcon />
                    </Button>
                    <Button
                      variant="ghost"
                      size="sm"
                      aria-label={`Remove step ${i + 1}`}
                      onClick={() => edit({funnel: draft.funnel.filter((_, j) => j !== i)})}
                    >
                      <TrashIcon />
                    </Button>
                  </div>
                </li>
              );
            })}
          </ol>
          <Button
            size="sm"
            className="mt-3"
            onClick={() => edit({funnel: [...draft.funnel, {name: '', url_pattern: ''}]})}
          >
            <PlusIcon />
            Add step
          </Button>
        </Card>

        <QuotaCard projectId={project.id} draft={draft.quotas} onChange={(quotas) => edit({quotas})} />

        {error != null && <InlineError>{errorMessage(error)}</InlineError>}
        <div className="flex flex-wrap items-center gap-3">
          <Button type="submit" variant="primary" busy={busy}>
            Save changes
          </Button>
          {saved && (
            <span role="status" className="inline-flex items-center gap-1 text-sm text-emerald-700">
              <CheckIcon /> Saved
            </span>
          )}
        </div>
      </form>

      <StorageCard project={project} />

      <section className="rounded-xl p-4 ring-1 ring-rose-200">
        <h2 className="text-sm font-semibold text-rose-700">Delete project</h2>
        <div className="mt-2 flex flex-wrap items-center justify-between gap-3">
          <p className="text-sm text-slate-600">Deletes every session, video, analysis and API key of this project.</p>
          <Button variant="danger" onClick={() => setDeleting(true)}>
            Delete project
          </Button>
        </div>
      </section>
      <ConfirmDialog
        open={deleting}
        onClose={() => setDeleting(false)}
        title={`Delete “${project.name}”?`}
        confirmLabel="Delete project"
        onConfirm={async () => {
          await api.deleteProject(project.id);
          navigate('/', {replace: true});
        }}
      >
        <p>
          All of its sessions, videos, analyses and keys are deleted for good. Sites still using its keys stop
          recording.
        </p>
      </ConfirmDialog>
    </div>
  );
}
