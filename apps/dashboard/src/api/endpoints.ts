import {request} from './client';
import type {
  Analysis,
  ApiKey,
  CreatedApiKey,
  EventPages,
  KeyScope,
  Note,
  Project,
  ProjectQuotaUsage,
  ProjectUsage,
  ProjectSettings,
  SavedFilter,
  Session,
  SessionFilters,
  SessionPage,
  User,
  VideoIndex,
} from './types';

const enc = encodeURIComponent;

export interface Me {
  user?: User;
}

export const api = {
  login: (email: string, password: string) =>
    request<{user: User; expires_at: number}>('POST', '/api/auth/login', {
      body: {email, password},
      allowUnauthenticated: true,
    }),
  logout: () => request<{success: boolean}>('POST', '/api/auth/logout', {allowUnauthenticated: true}),
  me: () => request<Me>('GET', '/api/me', {allowUnauthenticated: true}),
  changePassword: (current_password: string, new_password: string) =>
    request<{user: User; expires_at: number}>('POST', '/api/auth/password', {
      body: {current_password, new_password},
    }),

  projects: () => request<{projects: Project[]}>('GET', '/api/projects').then((r) => r.projects),
  project: (ref: string) => request<Project>('GET', `/api/projects/${enc(ref)}`),
  createProject: (body: {name: string; slug?: string}) => request<Project>('POST', '/api/projects', {body}),
  updateProject: (
    ref: string,
    body: Partial<{name: string; slug: string; domains: string[]; settings: ProjectSettings}>,
  ) => request<Project>('PATCH', `/api/projects/${enc(ref)}`, {body}),
  deleteProject: (ref: string) => request<void>('DELETE', `/api/projects/${enc(ref)}`),
  quota: (ref: string) => request<ProjectQuotaUsage>('GET', `/api/projects/${enc(ref)}/quota`),
  usage: (ref: string) => request<ProjectUsage>('GET', `/api/projects/${enc(ref)}/usage`),

  apiKeys: (ref: string) =>
    request<{api_keys: ApiKey[]}>('GET', `/api/projects/${enc(ref)}/api-keys`).then((r) => r.api_keys),
  createApiKey: (ref: string, name: string, scope: KeyScope) =>
    request<CreatedApiKey>('POST', `/api/projects/${enc(ref)}/api-keys`, {body: {name, scope}}),
  revokeApiKey: (ref: string, id: string) => request<void>('DELETE', `/api/projects/${enc(ref)}/api-keys/${enc(id)}`),

  sessions: (project: string, filters: SessionFilters, cursor: string | null, limit: number) => {
    const query = new URLSearchParams({project, limit: String(limit)});
    for (const [key, value] of Object.entries(filters)) if (value) query.set(key, value);
    if (cursor) query.set('cursor', cursor);
    return request<SessionPage>('GET', `/api/sessions?${query}`);
  },
  session: (id: string) => request<Session>('GET', `/api/sessions/${enc(id)}`),
  eventPages: (id: string, signal?: AbortSignal) =>
    request<EventPages>('GET', `/api/sessions/${enc(id)}/events/pages`, {signal}),
  eventRange: (id: string, from: number, count: number, signal?: AbortSignal) =>
    request<unknown[]>('GET', `/api/sessions/${enc(id)}/events?from=${from}&count=${count}`, {signal}),
  // Page n of eventPages, without the listing.
  eventPage: (id: string, n: number, signal?: AbortSignal) =>
    request<unknown[]>('GET', `/api/sessions/${enc(id)}/events/pages/${n}`, {signal}),
  notes: (id: string) => request<{notes: Note[]}>('GET', `/api/sessions/${enc(id)}/notes`).then((r) => r.notes),
  addNote: (id: string, atMs: number, text: string) =>
    request<Note>('POST', `/api/sessions/${enc(id)}/notes`, {body: {at_ms: atMs, text}}),
  deleteNote: (id: string, noteId: string) => request<void>('DELETE', `/api/sessions/${enc(id)}/notes/${enc(noteId)}`),
  savedFilters: (ref: string) =>
    request<{saved_filters: SavedFilter[]}>('GET', `/api/projects/${enc(ref)}/saved-filters`).then(
      (r) => r.saved_filters,
    ),
  saveFilter: (ref: string, name: string, filters: Record<string, string>) =>
    request<SavedFilter>('POST', `/api/projects/${enc(ref)}/saved-filters`, {body: {name, filters}}),
  deleteSavedFilter: (ref: string, id: string) =>
    request<void>('DELETE', `/api/projects/${enc(ref)}/saved-filters/${enc(id)}`),
  videoIndex: (id: string) => request<VideoIndex>('GET', `/api/sessions/${enc(id)}/keyframes`),
  analysis: (id: string) => request<Analysis>('GET', `/api/sessions/${enc(id)}/analysis`),
  render: (id: string) => request<{queued: boolean}>('POST', `/api/sessions/${enc(id)}/render`),
  analyze: (id: string) => request<{queued: boolean}>('POST', `/api/sessions/${enc(id)}/analyze`),
  deleteSession: (id: string) => request<void>('DELETE', `/api/sessions/${enc(id)}`),
};

// Binary resources the browser loads directly (img/video src) with the cookie.
export const mediaUrl = {
  video: (id: string) => `/api/sessions/${enc(id)}/video`,
  thumbnail: (id: string) => `/api/sessions/${enc(id)}/thumbnail`,
  keyframe: (id: string, index: number) => `/api/sessions/${enc(id)}/keyframes/${index}`,
  heatmap: (id: string) => `/api/sessions/${enc(id)}/heatmap`,
};
