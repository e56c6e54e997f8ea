// Shapes of the admin API (see the server's /openapi.json). Times are
// milliseconds since the Unix epoch unless a field says session time.

export interface User {
  id: string;
  email: string;
  is_admin: boolean;
  created_at: number;
}

export interface FunnelStep {
  name: string;
  url_pattern: string;
}

export interface ProjectSettings {
  min_duration_ms: number;
  sample_rate: number;
  retention_days: number;
  funnel_steps: FunnelStep[];
  /** What renders may load from the network: any public address, the project's domains, or nothing. */
  render_fetch: 'public' | 'domains' | 'none';
  /** The project's own quota limits: null follows the server's default, 0 is no limit. */
  quotas: ProjectQuotas;
}

export interface ProjectQuotas {
  sessions_per_hour: number | null;
  events_per_day: number | null;
  render_minutes_per_day: number | null;
}

/** One quota in its current window (GET /api/projects/{ref}/quota). */
export interface QuotaUsage {
  limit: number | null;
  used: number;
  source: 'project' | 'server';
  window_start: number;
  resets_at: number;
}

export type ProjectQuotaUsage = Record<keyof ProjectQuotas, QuotaUsage>;

export interface Project {
  id: string;
  slug: string;
  name: string;
  domains: string[];
  settings: ProjectSettings;
  // Every status counted, as the sessions list shows them.
  session_count: number;
  created_at: number;
  updated_at: number;
}

export type KeyScope = 'ingest' | 'read';

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  scope: KeyScope;
  created_at: number;
  last_used_at: number | null;
  expires_at: number | null;
  revoked_at: number | null;
}

export interface CreatedApiKey {
  api_key: ApiKey;
  secret: string;
}

export type SessionStatus = 'recording' | 'completed' | 'discarded' | 'rendering' | 'ready' | 'failed';

export type AnalysisStatus = 'none' | 'pending' | 'running' | 'completed' | 'failed';

export interface Size {
  width: number;
  height: number;
}

// Bytes in storage: event chunks as stored (compressed) and files (video,
// images) in the object store.
export interface StorageBytes {
  event_bytes: number;
  object_bytes: number;
  total_bytes: number;
}

// GET /api/projects/{ref}/usage: what the project's sessions take.
export interface ProjectUsage extends StorageBytes {
  sessions: number;
  // The events as received (uncompressed JSON).
  raw_event_bytes: number;
}

export interface Session {
  id: string;
  project_id: string;
  client_id: string;
  user_id: string | null;
  user_email: string | null;
  url: string;
  referrer: string;
  user_agent: string;
  screen: Size;
  viewport: Size;
  started_at: number;
  last_event_at: number;
  ended_at: number | null;
  end_reason: string;
  duration_ms: number;
  event_count: number;
  byte_count: number;
  error_count: number;
  page_count: number;
  status: SessionStatus;
  failure_reason: string;
  video: {duration_ms: number; size: number} | null;
  has_thumbnail: boolean;
  analysis_status: AnalysisStatus;
  // A visitor back after the session was finalized continues in a new
  // session: the parts of one visit, linked by id (null: no such part).
  part: number;
  previous: string | null;
  next: string | null;
  storage: StorageBytes;
}

export interface SessionPage {
  sessions: Session[];
  next_cursor: string | null;
}

export interface Keyframe {
  index: number;
  session_time_ms: number;
  video_time_ms: number;
  reason: string;
}

// GET /api/sessions/{id}/keyframes: the keyframes and the breakpoints
// [video_ms, session_ms] of the map from video time to session time.
export interface VideoIndex {
  keyframes: Keyframe[];
  time_map: [number, number][];
}

export interface ActionCounts {
  clicks: number;
  double_clicks: number;
  inputs: number;
  keystrokes: number;
  scrolls: number;
  touches: number;
  page_loads: number;
  navigations: number;
  in_app_navigations: number;
  errors: number;
}

export interface Issue {
  time_ms: number;
  x: number;
  y: number;
  count: number;
  url: string;
  target: {
    node_id: number;
    tag: string;
    id: string;
    classes: string;
    text: string;
    in_iframe: boolean;
  } | null;
  description: string;
}

export interface ScrollDepth {
  url: string;
  max_scroll_y: number;
  viewport_height: number;
  max_bottom_px: number;
  document_height: number;
  depth: number | null;
}

export interface SessionError {
  time_ms: number;
  kind: string;
  message: string;
  stack: string;
  source: string;
  url: string;
}

export interface FunnelResult {
  visits: {url: string; start_ms: number; duration_ms: number}[];
  steps: {name: string; url_pattern: string; reached: boolean; time_ms: number | null}[];
  completed: boolean;
  drop_off_step: string | null;
}

export interface HeatmapPage {
  url: string;
  width: number;
  height: number;
  points: [number, number, number][];
  histogram: number[][];
}

export interface LlmSummary {
  summary: string;
  user_intent: string;
  outcome: string;
  frustration_signals: string[];
  notable_moments: {session_time_ms: number; description: string}[];
}

export interface SummaryUnavailable {
  status: 'disabled' | 'failed';
  reason: string;
}

export interface Analysis {
  session_id: string;
  status: AnalysisStatus;
  error: string | null;
  model: string | null;
  created_at: number | null;
  updated_at: number | null;
  counts: ActionCounts | null;
  metrics: {
    duration_ms: number;
    active_ms: number;
    idle_ms: number;
    rage_clicks: Issue[];
    dead_clicks: Issue[];
    scroll_depth: ScrollDepth[];
    timeline: string;
  } | null;
  errors: SessionError[] | null;
  funnel: FunnelResult | null;
  heatmap: {grid: number; pages: HeatmapPage[]} | null;
  has_heatmap_image: boolean;
  summary: LlmSummary | SummaryUnavailable | null;
}

export interface SessionFilters {
  status?: string;
  user?: string;
  url?: string;
  min_duration?: string;
  has_errors?: string;
  from?: string;
  to?: string;
  // Search by what happened (filled when the session is analysed).
  visited_url?: string;
  clicked_text?: string;
  console?: string;
  failed_request?: string;
  rage_click?: string;
}

// A named set of session list filters of a project (keys as in SessionFilters).
export interface SavedFilter {
  id: string;
  name: string;
  filters: Record<string, string>;
  created_at: number;
}

// GET /api/sessions/{id}/events/pages: the session's events in pages, each
// a range of event indexes fetched with ?from=first_event&count=events (the
// same events whenever fetched, also once the server compacted the session).
export interface EventPageInfo {
  index: number;
  first_event: number;
  first_timestamp: number;
  last_timestamp: number;
  events: number;
  bytes: number;
}

export interface EventPages {
  pages: EventPageInfo[];
  total_events: number;
}

// A note on a session at a moment (at_ms: ms since the session's first event).
export interface Note {
  id: string;
  session_id: string;
  at_ms: number;
  text: string;
  author: {id: string; email: string};
  created_at: number;
}
