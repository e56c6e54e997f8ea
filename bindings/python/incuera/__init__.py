"""Incuera session replay from Python.

    import incuera
    engine = incuera.open(database_url="sqlite:///tmp/x.db",
                          storage_url="file:///tmp/objects", secret_key="...")
    for session in engine.sessions(project.id, has_errors=True):
        print(session.id, session.duration_ms)

Every failure raises a subclass of :class:`incuera.Error`.
"""

from typing import Any, Iterator, Optional

from ._incuera import (  # noqa: F401
    AlreadyExists,
    ApiKey,
    Engine,
    Error,
    FailedPrecondition,
    Internal,
    InvalidArgument,
    LlmOptions,
    Note,
    NotFound,
    Options,
    PermissionDenied,
    Project,
    ProjectSummary,
    RenderOptions,
    ResourceExhausted,
    SavedFilter,
    Session,
    SessionFilter,
    StorageUsage,
    Unauthenticated,
    Unavailable,
    Unimplemented,
    User,
)

_FILTER_FIELDS = ("status", "user", "url", "min_duration_ms", "has_errors",
                  "started_after", "started_before", "visited_url",
                  "clicked_text", "console", "failed_request", "rage_click")


def open(options: Optional[Options] = None, **fields: Any) -> Engine:
    """Opens an Engine from `options` and/or Options field keywords
    (database_url=, storage_url=, queue_url=, secret_key=, ...)."""
    options = options if options is not None else Options()
    for name, value in fields.items():
        if not hasattr(options, name):
            raise TypeError(f"unknown option {name!r}")
        setattr(options, name, value)
    return Engine.open(options)


def _sessions(self: Engine, project_id: str, page_size: int = 50,
              **filters: Any) -> Iterator[Session]:
    """Yields every session of the project matching `filters` (status=,
    user=, url=, min_duration_ms=, has_errors=, started_after=,
    started_before=, and what happened: visited_url=, clicked_text=,
    console=, failed_request=, rage_click=), newest first, fetching
    `page_size` rows per query."""
    session_filter = SessionFilter()
    session_filter.project_id = project_id
    for name, value in filters.items():
        if name not in _FILTER_FIELDS:
            raise TypeError(f"unknown session filter {name!r}")
        setattr(session_filter, name, value)
    cursor = ""
    while True:
        items, cursor = self.list_sessions_page(session_filter, cursor, page_size)
        yield from items
        if not cursor:
            return


Engine.sessions = _sessions
