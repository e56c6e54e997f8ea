"""Notes on a session, saved filters and the search by what happened
(issue 18), through the admin service as the HTTP API applies it."""

import json

import pytest

import incuera
from conftest import FAR_FUTURE

T0 = 1_700_000_000_000
OWNER = "owner@example.com"


def _event(kind, ms, data):
    return {"type": kind, "data": data, "timestamp": T0 + ms}


def _console(ms, level, message):
    # rrweb's console plugin stores each argument JSON-stringified.
    return _event(6, ms, {"plugin": "rrweb/console@1",
                          "payload": {"level": level, "trace": [],
                                      "payload": [json.dumps(message)]}})


def _click(ms, node_id, x, y):
    return _event(3, ms, {"source": 2, "type": 2, "id": node_id, "x": x, "y": y})


def _visit(with_trouble):
    """A visit of shop.example with a snapshot holding a button "Add to cart"
    (node 4). With trouble: a click on it, a navigation to /pay, a console
    line, a failed request and a rage click."""
    snapshot = _event(2, 0, {"node": {"type": 0, "id": 1, "childNodes": [
        {"type": 2, "id": 2, "tagName": "html", "attributes": {}, "childNodes": [
            {"type": 2, "id": 3, "tagName": "body", "attributes": {}, "childNodes": [
                {"type": 2, "id": 4, "tagName": "button", "attributes": {"id": "buy"},
                 "childNodes": [{"type": 3, "id": 5, "textContent": "Add to cart"}]},
                {"type": 2, "id": 6, "tagName": "p", "attributes": {},
                 "childNodes": [{"type": 3, "id": 7, "textContent": "Hello"}]}]}]}]},
        "initialOffset": {"left": 0, "top": 0}})
    events = [_event(4, 0, {"href": "https://shop.example/", "width": 1000, "height": 800}),
              snapshot, _click(100, 6, 10, 10)]
    if with_trouble:
        events += [
            _click(1_000, 4, 100, 100), _click(1_300, 4, 101, 100),
            _click(1_600, 4, 100, 102), _console(2_000, "warn", "Cart Loaded slowly"),
            _event(6, 2_500, {"plugin": "rrweb/network@1", "payload": {"requests": [
                {"url": "https://shop.example/api/cart", "method": "POST",
                 "initiatorType": "fetch", "status": 503, "startTime": 1,
                 "endTime": 2}]}}),
            _event(5, 3_000, {"tag": "navigation",
                              "payload": {"href": "https://shop.example/pay"}})]
    events.append(_event(3, 4_000, {"source": 1, "positions": [
        {"x": 1, "y": 2, "id": 3, "timeOffset": 0}]}))
    return events


def _analysed_session(engine, project, client_id, with_trouble):
    sid = engine.ingest(project, client_id, _visit(with_trouble))["session_id"]
    engine.end_session(project, client_id)
    engine.finalize_ended(now=FAR_FUTURE)
    engine.analyze(sid)
    return sid


def _ids(engine, project, **filters):
    return {s.id for s in engine.sessions(project.id, **filters)}


def test_each_search_filter_finds_the_session_where_it_happened(engine, project):
    trouble = _analysed_session(engine, project, "trouble", True)
    calm = _analysed_session(engine, project, "calm", False)
    assert _ids(engine, project) == {trouble, calm}
    assert _ids(engine, project, visited_url="/PAY") == {trouble}
    assert _ids(engine, project, visited_url="shop.example") == {trouble, calm}
    assert _ids(engine, project, clicked_text="add to") == {trouble}
    assert _ids(engine, project, clicked_text="hello") == {trouble, calm}
    assert _ids(engine, project, console="cart loaded") == {trouble}
    assert _ids(engine, project, failed_request=True) == {trouble}
    assert _ids(engine, project, rage_click=True) == {trouble}
    assert _ids(engine, project, visited_url="pay", clicked_text="add",
                console="slowly", failed_request=True, rage_click=True) == {trouble}
    assert _ids(engine, project, visited_url="/checkout") == set()
    # LIKE wildcards in the text are matched as themselves.
    assert _ids(engine, project, clicked_text="add%cart") == set()
    assert _ids(engine, project, console="_art") == set()


def test_a_saved_filter_lists_what_the_session_list_would(engine, project):
    trouble = _analysed_session(engine, project, "trouble", True)
    _analysed_session(engine, project, "calm", False)
    saved = engine.save_filter(project.id, "  Failed payments ",
                               {"visited_url": "pay", "failed_request": True,
                                "min_duration": 1})
    assert saved.name == "Failed payments"
    assert saved.project_id == project.id
    assert saved.filters == {"failed_request": "true", "min_duration": "1",
                             "visited_url": "pay"}
    session_filter = incuera.SessionFilter.from_params(saved.filters)
    assert session_filter.visited_url == "pay"
    assert session_filter.failed_request is True
    assert session_filter.min_duration_ms == 1000
    session_filter.project_id = project.id
    page, cursor = engine.list_sessions_page(session_filter)
    assert [s.id for s in page] == [trouble] and cursor == ""


def test_saved_filters_are_listed_by_name_and_deleted(engine, project):
    engine.save_filter(project.id, "rage", {"rage_click": "true"})
    engine.save_filter(project.id, "console errors", {"console": "error"})
    names = [f.name for f in engine.list_saved_filters(project.id)]
    assert names == ["console errors", "rage"]
    with pytest.raises(incuera.AlreadyExists):
        engine.save_filter(project.id, "rage", {"rage_click": False})
    first = engine.list_saved_filters(project.id)[0]
    engine.delete_saved_filter(project.id, first.id)
    assert [f.name for f in engine.list_saved_filters(project.id)] == ["rage"]
    with pytest.raises(incuera.NotFound):
        engine.delete_saved_filter(project.id, first.id)


def test_bad_saved_filters_are_refused_and_nothing_is_stored(engine, project):
    for name, filters in [("x", {"visited": "pay"}),        # not a filter key
                          ("x", {"failed_request": "yes"}),  # not a boolean
                          ("x", {"min_duration": -1}),       # not >= 0
                          ("x", {"console": "a\x01b"}),      # control character
                          ("x", {"visited_url": "u" * 301}),  # too long
                          ("   ", {"rage_click": True})]:    # empty name
        with pytest.raises(incuera.InvalidArgument):
            engine.save_filter(project.id, name, filters)
    with pytest.raises(TypeError):
        engine.save_filter(project.id, "x", {"visited_url": ["pay"]})
    with pytest.raises(incuera.InvalidArgument):
        incuera.SessionFilter.from_params({"rage_click": "maybe"})
    with pytest.raises(incuera.NotFound):
        engine.save_filter("00000000-0000-4000-8000-000000000000", "x", {})
    assert engine.list_saved_filters(project.id) == []


def test_notes_are_listed_by_time_with_their_author_and_deleted(engine, project):
    sid = engine.ingest(project, "s-1", _visit(False))["session_id"]
    later = engine.add_note(sid, OWNER, 3_000, "  Payment button does nothing \n")
    first = engine.add_note(sid, OWNER, 500, "Lands on the home page")
    assert later.text == "Payment button does nothing"
    assert later.session_id == sid
    assert later.author_email == OWNER
    assert later.author_id == engine.list_users()[0].id
    notes = engine.list_notes(sid)
    assert [(n.id, n.at_ms) for n in notes] == [(first.id, 500), (later.id, 3_000)]
    assert all(n.author_email == OWNER for n in notes)
    engine.delete_note(sid, first.id)
    assert [n.id for n in engine.list_notes(sid)] == [later.id]
    with pytest.raises(incuera.NotFound):
        engine.delete_note(sid, first.id)


def test_bad_notes_are_refused_and_nothing_is_stored(engine, project):
    sid = engine.ingest(project, "s-1", _visit(False))["session_id"]
    for at_ms, text in [(-1, "before the start"), (0, "   "), (0, "x" * 2001),
                        (0, "bell \x07")]:
        with pytest.raises(incuera.InvalidArgument):
            engine.add_note(sid, OWNER, at_ms, text)
    with pytest.raises(incuera.NotFound):
        engine.add_note(sid, "nobody@example.com", 0, "who?")
    with pytest.raises(incuera.NotFound):
        engine.add_note("00000000-0000-4000-8000-000000000000", OWNER, 0, "where?")
    with pytest.raises(incuera.NotFound):
        engine.list_notes("00000000-0000-4000-8000-000000000000")
    assert engine.list_notes(sid) == []

