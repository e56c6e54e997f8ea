from typing import Any, Callable, Iterator, Optional, Union

Events = Union[list[dict[str, Any]], bytes, str]
Progress = Optional[Callable[[float], None]]

class Error(RuntimeError):
    code: str
    retryable: bool
class InvalidArgument(Error): ...
class NotFound(Error): ...
class AlreadyExists(Error): ...
class PermissionDenied(Error): ...
class Unauthenticated(Error): ...
class ResourceExhausted(Error): ...
class FailedPrecondition(Error): ...
class Unavailable(Error): ...
class Unimplemented(Error): ...
class Internal(Error): ...

class RenderOptions:
    enabled: bool
    chromium_path: str
    width: int
    height: int
    fps: int
    crf: int
    skip_idle: bool
    max_keyframes: int

class LlmOptions:
    base_url: str
    model: str
    max_tokens: int

class Options:
    database_url: str
    database_pool_size: int
    auto_migrate: bool
    queue_url: str
    storage_url: str
    secret_key: str
    secret_key_file: str
    render: RenderOptions
    llm: LlmOptions
    def load_environment(self, env_file: str = ".env") -> None: ...

class User:
    id: str
    email: str
    is_admin: bool
    created_at: int

class Project:
    id: str
    owner_id: str
    name: str
    slug: str
    domains: list[str]
    min_duration_ms: int
    created_at: int
    updated_at: int

class ProjectSummary(Project):
    session_count: int

class StorageUsage:
    sessions: int
    event_bytes: int
    raw_event_bytes: int
    object_bytes: int
    total_bytes: int

class ApiKey:
    id: str
    project_id: str
    name: str
    prefix: str
    scope: str
    created_at: int
    last_used_at: Optional[int]
    expires_at: Optional[int]
    revoked_at: Optional[int]

class Session:
    id: str
    project_id: str
    client_session_id: str  # the SDK's visit id ('<id>#<part>' for later parts)
    client_id: str  # the same, under the HTTP API's name
    user_id: str
    user_email: str
    url: str
    referrer: str
    user_agent: str
    started_at: int
    last_event_at: int
    ended_at: Optional[int]
    end_reason: str
    duration_ms: int
    event_count: int
    byte_count: int
    chunk_count: int
    error_count: int
    page_count: int
    status: str
    failure_reason: str
    video_key: str
    thumbnail_key: str
    video_duration_ms: int
    video_size: int
    event_bytes: int
    object_bytes: int
    storage_bytes: int
    part: int
    previous_id: Optional[str]
    next_id: Optional[str]

class SessionFilter:
    project_id: str
    status: Optional[str]
    user: str
    url: str
    min_duration_ms: Optional[int]
    has_errors: Optional[bool]
    started_after: Optional[int]
    started_before: Optional[int]
    visited_url: str
    clicked_text: str
    console: str
    failed_request: bool
    rage_click: bool
    @staticmethod
    def from_params(params: dict[str, Union[str, int, bool]]) -> SessionFilter: ...

class Note:
    id: str
    session_id: str
    author_id: str
    author_email: str
    at_ms: int
    text: str
    created_at: int

class SavedFilter:
    id: str
    project_id: str
    name: str
    filters: dict[str, str]
    created_at: int

class Engine:
    backend: str
    @staticmethod
    def open(options: Options) -> Engine: ...
    def add_user(self, email: str, password: str, is_admin: bool = False) -> User: ...
    def list_users(self) -> list[User]: ...
    def create_project(self, owner_id: str, name: str, slug: str = "",
                       domains: list[str] = ..., min_duration_ms: Optional[int] = None) -> ProjectSummary: ...
    def list_projects(self, owner_id: str) -> list[ProjectSummary]: ...
    def get_project(self, project_id: str) -> ProjectSummary: ...
    def get_project_by_slug(self, owner_id: str, slug: str) -> ProjectSummary: ...
    def project_usage(self, project: str) -> StorageUsage: ...
    def delete_project(self, project_id: str) -> None: ...
    def apply_retention(self, now: Optional[int] = None) -> int: ...
    def erase_visitor(self, project_id: str, visitor: str) -> int: ...
    def create_api_key(self, project_id: str, name: str, scope: str = "ingest") -> tuple[ApiKey, str]: ...
    def list_api_keys(self, project_id: str) -> list[ApiKey]: ...
    def revoke_api_key(self, key_id: str) -> None: ...
    def list_sessions_page(self, filter: SessionFilter, cursor: str = "",
                           limit: int = 50) -> tuple[list[Session], str]: ...
    def sessions(self, project_id: str, page_size: int = 50, *,
                 status: Optional[str] = ..., user: str = ..., url: str = ...,
                 min_duration_ms: Optional[int] = ..., has_errors: Optional[bool] = ...,
                 started_after: Optional[int] = ...,
                 started_before: Optional[int] = ..., visited_url: str = ...,
                 clicked_text: str = ..., console: str = ...,
                 failed_request: bool = ..., rage_click: bool = ...) -> Iterator[Session]: ...
    def list_notes(self, session_id: str) -> list[Note]: ...
    def add_note(self, session_id: str, author: str, at_ms: int, text: str) -> Note: ...
    def delete_note(self, session_id: str, note_id: str) -> None: ...
    def list_saved_filters(self, project_id: str) -> list[SavedFilter]: ...
    def save_filter(self, project_id: str, name: str,
                    filters: dict[str, Union[str, int, bool]]) -> SavedFilter: ...
    def delete_saved_filter(self, project_id: str, filter_id: str) -> None: ...
    def get_session(self, session_id: str) -> Session: ...
    def session_events_raw(self, session_id: str) -> bytes: ...
    def session_events(self, session_id: str) -> list[dict[str, Any]]: ...
    def ingest(self, project: Union[Project, str], session_id: str, events: Events,
               seq: Optional[int] = None) -> dict[str, Any]: ...
    def end_session(self, project: Union[Project, str], session_id: str, reason: str = "stop") -> dict[str, bool]: ...
    def finalize_ended(self, now: Optional[int] = None) -> int: ...
    def render_session(self, session_id: str, progress: Progress = None) -> Session: ...
    def render_file(self, events_path: str, out_dir: str, progress: Progress = None) -> dict[str, Any]: ...
    def analyze(self, session_id: str) -> dict[str, Any]: ...
    def analyze_events(self, events: Events) -> dict[str, Any]: ...

def open(options: Optional[Options] = None, **fields: Any) -> Engine: ...
