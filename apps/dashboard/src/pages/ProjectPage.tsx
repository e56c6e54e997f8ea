import {useEffect} from 'react';
import {api} from '../api/endpoints';
import type {Project} from '../api/types';
import {ChevronLeftIcon} from '../components/icons';
import {LoadError, Loading, focusRing} from '../components/ui';
import {Link, navigate} from '../lib/router';
import {useAsync} from '../lib/useAsync';
import {useTitle} from '../lib/useTitle';
import {ApiKeysTab} from '../project/ApiKeysTab';
import {SessionsTab} from '../project/SessionsTab';
import {SettingsTab} from '../project/SettingsTab';
import {NotFoundPage} from './NotFoundPage';

export type ProjectTab = 'sessions' | 'keys' | 'settings';

const tabs: {id: ProjectTab; label: string; suffix: string}[] = [
  {id: 'sessions', label: 'Sessions', suffix: ''},
  {id: 'keys', label: 'API keys & install', suffix: '/keys'},
  {id: 'settings', label: 'Settings', suffix: '/settings'},
];

export function ProjectPage({projectRef, tab}: {projectRef: string; tab: ProjectTab}) {
  const project = useAsync(() => api.project(projectRef), [projectRef]);
  const slug = project.data?.slug;
  useTitle(project.data && `${tabs.find((t) => t.id === tab)!.label} · ${project.data.name}`);

  // Links by id (from a session) or by an old slug end up on the current slug.
  useEffect(() => {
    if (!slug || slug === projectRef) return;
    const suffix = tabs.find((t) => t.id === tab)!.suffix;
    navigate(`/projects/${encodeURIComponent(slug)}${suffix}${window.location.search}`, {replace: true});
  }, [slug, projectRef, tab]);

  if (project.loading && !project.data) return <Loading label="Loading project…" />;
  if (project.error) {
    if ((project.error as {status?: number}).status === 404) return <NotFoundPage what="project" />;
    return <LoadError title="The project could not be loaded" error={project.error} onRetry={() => project.reload()} />;
  }
  const current = project.data!;
  const base = `/projects/${encodeURIComponent(current.slug)}`;
  const updated = (next: Project) => project.setData(() => next);

  return (
    <div className="space-y-6">
      <div>
        <Link
          to="/"
          className={`inline-flex items-center gap-1 rounded text-sm text-slate-500 hover:text-slate-800 ${focusRing}`}
        >
          <ChevronLeftIcon />
          Projects
        </Link>
        <h1 className="mt-1 truncate text-2xl font-semibold tracking-tight">{current.name}</h1>
      </div>
      <nav aria-label="Project sections" className="flex gap-1 overflow-x-auto border-b border-slate-200">
        {tabs.map((t) => (
          <Link
            key={t.id}
            to={base + t.suffix}
            aria-current={t.id === tab ? 'page' : undefined}
            className={`shrink-0 rounded-t-md border-b-2 px-3 py-2 text-sm font-medium whitespace-nowrap ${focusRing} ${
              t.id === tab
                ? 'border-indigo-600 text-indigo-700'
                : 'border-transparent text-slate-500 hover:border-slate-300 hover:text-slate-800'
            }`}
          >
            {t.label}
          </Link>
        ))}
      </nav>
      {tab === 'sessions' && <SessionsTab project={current} />}
      {tab === 'keys' && <ApiKeysTab project={current} />}
      {tab === 'settings' && <SettingsTab project={current} onUpdated={updated} />}
    </div>
  );
}
