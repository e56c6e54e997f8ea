"""Storage usage through the bindings: the project's figures and each
session's, as GET /api/projects/{project}/usage and the session's `storage`
give them."""

import pytest

import incuera
from conftest import FAR_FUTURE, make_events


def _files_bytes(directory):
    return sum(f.stat().st_size for f in directory.rglob("*") if f.is_file())


def test_project_usage_sums_the_storage_of_its_sessions(engine, project, tmp_path):
    empty = engine.project_usage(project.id)
    assert (empty.sessions, empty.event_bytes, empty.raw_event_bytes, empty.object_bytes,
            empty.total_bytes) == (0, 0, 0, 0, 0)

    small = engine.ingest(project, "small", make_events(5))["session_id"]
    large = engine.ingest(project, "large", make_events(400), seq=0)["session_id"]
    engine.ingest(project, "large", make_events(400, start=1_700_000_100_000), seq=1)
    # The analysis stores a heatmap image: the session's first file.
    engine.end_session(project, "large")
    engine.finalize_ended(now=FAR_FUTURE)
    engine.analyze(large)

    sessions = [engine.get_session(small), engine.get_session(large)]
    for s in sessions:
        assert s.storage_bytes == s.event_bytes + s.object_bytes
        assert s.event_bytes > 0
    assert sessions[0].object_bytes == 0
    # What the object store holds for the session, byte for byte.
    large_files = tmp_path / "objects" / "sessions" / large
    assert sessions[1].object_bytes == _files_bytes(large_files) > 0

    usage = engine.project_usage(project.id)
    assert isinstance(usage, incuera.StorageUsage)
    assert usage.sessions == 2
    assert usage.event_bytes == sum(s.event_bytes for s in sessions)
    assert usage.object_bytes == sum(s.object_bytes for s in sessions)
    assert usage.raw_event_bytes == sum(s.byte_count for s in sessions)
    assert usage.total_bytes == usage.event_bytes + usage.object_bytes
    # Stored events are compressed: 800 similar clicks take less than received.
    assert usage.event_bytes < usage.raw_event_bytes
    assert engine.project_usage(project.slug).total_bytes == usage.total_bytes
    assert "2 sessions" in repr(usage)


def test_project_usage_of_an_unknown_project_raises_not_found(engine):
    with pytest.raises(incuera.NotFound):
        engine.project_usage("00000000-0000-0000-0000-000000000000")
    with pytest.raises(incuera.NotFound):
        engine.project_usage("no-such-shop")
