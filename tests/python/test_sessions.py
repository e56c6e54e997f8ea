"""Ingest, session listing and event reads through the bindings."""

import json

import pytest

import incuera
from conftest import FAR_FUTURE, make_events


def test_ingested_events_come_back_equal(engine, project):
    events = make_events(50)
    result = engine.ingest(project, "s-1", events[:20], seq=0)
    assert result["stored"] and result["events_received"] == 20
    engine.ingest(project.id, "s-1", json.dumps(events[20:]).encode(), seq=1)
    assert engine.session_events(result["session_id"]) == events
    raw = engine.session_events_raw(result["session_id"])
    assert isinstance(raw, bytes)
    assert json.loads(raw) == events


def test_a_repeated_seq_is_not_stored_twice(engine, project):
    events = make_events(3)
    engine.ingest(project, "s-1", events, seq=0)
    again = engine.ingest(project, "s-1", events, seq=0)
    assert not again["stored"]
    assert len(engine.session_events(again["session_id"])) == 3


def test_bad_events_raise_invalid_argument(engine, project):
    with pytest.raises(incuera.InvalidArgument):
        engine.ingest(project, "s-1", [{"type": 3}])  # no timestamp
    with pytest.raises(incuera.InvalidArgument):
        engine.ingest(project, "s-1", b"[1, 2")
    with pytest.raises(incuera.InvalidArgument):
        engine.ingest(project, "bad id!", make_events(2))


def test_unknown_project_id_raises_not_found(engine):
    with pytest.raises(incuera.NotFound):
        engine.ingest("00000000-0000-0000-0000-000000000000", "s-1", make_events(2))


def test_unknown_session_raises_not_found(engine):
    with pytest.raises(incuera.NotFound):
        engine.get_session("00000000-0000-0000-0000-000000000000")
    with pytest.raises(incuera.NotFound):
        engine.session_events_raw("00000000-0000-0000-0000-000000000000")


def test_get_session_and_end_session(engine, project):
    sid = engine.ingest(project, "s-1", make_events(10, with_error=True))["session_id"]
    session = engine.get_session(sid)
    assert session.client_session_id == "s-1"
    assert session.client_id == "s-1"  # the HTTP API's name for it
    assert session.status == "recording"
    assert session.error_count == 1
    assert session.url == "https://shop.example/"
    ended = engine.end_session(project.id, "s-1")
    assert ended["session_finalized"]
    assert engine.get_session(sid).ended_at is not None
    assert engine.finalize_ended(now=FAR_FUTURE) == 1
    assert engine.get_session(sid).status == "completed"


def test_sessions_iterator_walks_every_page_and_filters(engine, project):
    for i in range(7):
        engine.ingest(project, f"s-{i}", make_events(5, with_error=i % 2 == 0))
    all_ids = [s.client_id for s in engine.sessions(project.id, page_size=2)]
    assert sorted(all_ids) == [f"s-{i}" for i in range(7)]
    assert len(set(all_ids)) == 7
    with_errors = {s.client_id for s in engine.sessions(project.id, page_size=3,
                                                        has_errors=True)}
    assert with_errors == {"s-0", "s-2", "s-4", "s-6"}
    assert list(engine.sessions(project.id, status="ready")) == []
    page, cursor = engine.list_sessions_page(_filter(project.id), "", 5)
    assert len(page) == 5 and cursor


def test_unknown_filter_or_status_is_rejected(engine, project):
    with pytest.raises(TypeError):
        list(engine.sessions(project.id, colour="red"))
    with pytest.raises(incuera.InvalidArgument):
        list(engine.sessions(project.id, status="sideways"))


def test_analyze_events_counts_clicks(engine):
    result = engine.analyze_events(make_events(6))
    assert set(result) == {"counts", "heatmap", "funnel", "errors", "metrics"}
    assert result["counts"]["clicks"] == 5


def test_analyze_stores_and_returns_the_analysis(engine, project):
    sid = engine.ingest(project, "s-1", make_events(10, with_error=True))["session_id"]
    engine.end_session(project, "s-1")
    engine.finalize_ended(now=FAR_FUTURE)
    analysis = engine.analyze(sid)
    assert analysis["counts"]["clicks"] == 9
    assert len(analysis["errors"]) == 1


def _filter(project_id):
    f = incuera.SessionFilter()
    f.project_id = project_id
    return f


def test_a_visit_continued_after_finalization_links_its_parts(engine, project):
    first_id = engine.ingest(project, "back", make_events(5), seq=0)["session_id"]
    first = engine.get_session(first_id)
    assert (first.part, first.previous_id, first.next_id) == (1, None, None)
    engine.end_session(project, "back")
    assert engine.finalize_ended(now=FAR_FUTURE) == 1
    # The visitor comes back with the same SDK session id: the next part.
    later = make_events(3, start=1_700_000_900_000)
    second_id = engine.ingest(project, "back", later, seq=1)["session_id"]
    assert second_id != first_id
    second = engine.get_session(second_id)
    assert second.part == 2
    assert second.previous_id == first_id
    assert second.next_id is None
    assert engine.get_session(first_id).next_id == second_id
    assert engine.session_events(second_id) == later
