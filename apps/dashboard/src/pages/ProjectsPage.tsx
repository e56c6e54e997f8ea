import {useState} from 'react';
import {errorMessage} from '../api/client';
import {api} from '../api/endpoints';
import {Dialog} from '../components/Dialog';
import {FilmIcon, PlusIcon} from '../components/icons';
import {Button, InlineError, LoadError, Loading, Notice, TextField, focusRing} from '../components/ui';
import {formatDate, plural, slugify} from '../lib/format';
import {Link, navigate} from '../lib/router';
import {useAsync} from '../lib/useAsync';
import {useTitle} from '../lib/useTitle';

export function ProjectsPage() {
  const projects = useAsync(() => api.projects(), []);
  const [creating, setCreating] = useState(false);
  useTitle('Projects');

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Projects</h1>
          <p className="mt-1 text-sm text-slate-500">Each project has its own API keys, sessions and settings.</p>
        </div>
        <Button variant="primary" onClick={() => setCreating(true)}>
          <PlusIcon />
          New project
        </Button>
      </div>

      {projects.loading && !projects.data ? (
        <Loading label="Loading projects…" />
      ) : projects.error ? (
        <LoadError title="Projects could not be loaded" error={projects.error} onRetry={() => projects.reload()} />
      ) : projects.data!.length === 0 ? (
        <div className="rounded-xl border-2 border-dashed border-slate-200">
          <Notice
            icon={<FilmIcon />}
            title="No projects yet"
            action={
              <Button variant="primary" onClick={() => setCreating(true)}>
                Create your first project
              </Button>
            }
          >
            A project stands for one website. Create one, then add its snippet to your pages to start recording.
          </Notice>
        </div>
      ) : (
        <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3" aria-label="Projects">
          {projects.data!.map((project) => (
            <li key={project.id}>
              <Link
                to={`/projects/${encodeURIComponent(project.slug)}`}
                className={`block h-full rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-200 transition hover:shadow-md hover:ring-indigo-300 ${focusRing}`}
              >
                <div className="flex items-start justify-between gap-2">
                  <h2 className="min-w-0 truncate font-semibold text-slate-900">{project.name}</h2>
                  <span className="shrink-0 text-xs text-slate-500" data-testid="project-session-count">
                    {project.session_count ? plural(project.session_count, 'session') : 'No sessions yet'}
                  </span>
                </div>
                <p className="mt-0.5 truncate font-mono text-xs text-slate-500">{project.slug}</p>
                <p className="mt-3 truncate text-sm text-slate-600">
                  {project.domains.length ? project.domains.join(', ') : 'Any domain'}
                </p>
                <p className="mt-1 text-xs text-slate-400">Created {formatDate(project.created_at)}</p>
              </Link>
            </li>
          ))}
        </ul>
      )}

      <CreateProjectDialog open={creating} onClose={() => setCreating(false)} />
    </div>
  );
}

function CreateProjectDialog({open, onClose}: {open: boolean; onClose: () => void}) {
  const [name, setName] = useState('');
  const [slug, setSlug] = useState('');
  const [slugEdited, setSlugEdited] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const effectiveSlug = slugEdited ? slug : slugify(name);

  const close = () => {
    setName('');
    setSlug('');
    setSlugEdited(false);
    setError(null);
    onClose();
  };

  const create = async () => {
    if (!name.trim()) return;
    setBusy(true);
    setError(null);
    try {
      const project = await api.createProject({name: name.trim(), slug: effectiveSlug || undefined});
      close();
      navigate(`/projects/${encodeURIComponent(project.slug)}/keys`);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      open={open}
      onClose={close}
      title="New project"
      onSubmit={create}
      footer={
        <>
          <Button onClick={close} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" busy={busy} disabled={!name.trim()}>
            Create project
          </Button>
        </>
      }
    >
      <TextField
        label="Name"
        required
        autoFocus
        value={name}
        onChange={(e) => setName(e.target.value)}
        placeholder="My shop"
      />
      <TextField
        label="Slug"
        value={effectiveSlug}
        onChange={(e) => {
          setSlugEdited(true);
          setSlug(e.target.value);
        }}
        pattern="[a-z0-9][a-z0-9-]*"
        hint="Used in links and by the CLI. Lowercase letters, digits and dashes."
        className="[&_input]:font-mono"
      />
      {error != null && <InlineError>{errorMessage(error)}</InlineError>}
    </Dialog>
  );
}
