"""Recordings of real pages nest deep: Python's analyze and analyze_events
read them with the library's one nesting limit (1100 JSON levels, as ingest
accepts), not Boost.JSON's default of 32."""

import json

import pytest

import incuera
from conftest import FAR_FUTURE

START = 1_700_000_000_000
LIMIT = 1100  # levels of an ingest body, the library's nesting limit
DEEPEST_ID = 100_000


def json_depth(text):
    """How many JSON arrays and objects are open at once at most."""
    depth = deepest = 0
    in_string = escape = False
    for c in text:
        if in_string:
            if escape:
                escape = False
            elif c == "\\":
                escape = True
            elif c == '"':
                in_string = False
        elif c == '"':
            in_string = True
        elif c in "{[":
            depth += 1
            deepest = max(deepest, depth)
        elif c in "}]":
            depth -= 1
    return deepest


def deep_events(divs):
    """JSON text of a recording: a Meta event, a snapshot of `divs` nested
    divs around span#deepest, a click on it and a mouse move 4 s later.
    Built as text: json.dumps recurses once per level, past Python's limit."""
    def event(ms, type_, data):
        return f'{{"type":{type_},"timestamp":{START + ms},"data":{data}}}'

    node = (f'{{"type":2,"id":{DEEPEST_ID},"tagName":"span",'
            '"attributes":{"id":"deepest"},"childNodes":[]}')
    for i in reversed(range(divs)):
        node = (f'{{"type":2,"id":{10 + i},"tagName":"div","attributes":{{}},'
                f'"childNodes":[{node}]}}')
    document = ('{"type":0,"id":1,"childNodes":[{"type":2,"id":2,"tagName":"html",'
                '"attributes":{},"childNodes":[{"type":2,"id":3,"tagName":"body",'
                f'"attributes":{{}},"childNodes":[{node}]}}]}}]}}')
    return "[" + ",".join([
        event(0, 4, '{"href":"https://deep.test/","width":800,"height":600}'),
        event(10, 2, f'{{"node":{document},"initialOffset":{{"left":0,"top":0}}}}'),
        event(1000, 3, f'{{"source":2,"type":2,"id":{DEEPEST_ID},"x":10,"y":10}}'),
        event(5000, 3, '{"source":1,"positions":[{"x":20,"y":20,"id":3,"timeOffset":0}]}'),
    ]) + "]"


def events_at_body_depth(body_depth):
    """The deepest recording whose /api/ingest body nests `body_depth` levels
    (the events array is one level below the body)."""
    # Each div adds two levels (its object and its childNodes array).
    divs = (body_depth - 1 - json_depth(deep_events(0))) // 2
    return deep_events(divs)


@pytest.fixture(scope="module")
def at_limit():
    events = events_at_body_depth(LIMIT)
    assert json_depth(events) + 1 in (LIMIT - 1, LIMIT)
    return events


def test_analyze_events_reads_a_recording_nested_to_the_limit(engine, at_limit):
    result = engine.analyze_events(at_limit)
    assert result["counts"]["clicks"] == 1
    # The tree walk reached the deepest element to describe the dead click.
    dead = result["metrics"]["dead_clicks"]
    assert len(dead) == 1
    assert dead[0]["target"]["tag"] == "span"
    assert dead[0]["target"]["id"] == "deepest"


def test_a_deep_session_is_ingested_stored_and_analysed(engine, project, at_limit):
    sid = engine.ingest(project, "deep-1", at_limit)["session_id"]
    engine.end_session(project, "deep-1")
    engine.finalize_ended(now=FAR_FUTURE)
    analysis = engine.analyze(sid)
    assert analysis["status"] == "completed"
    assert analysis["counts"]["clicks"] == 1


def test_ingest_refuses_a_batch_deeper_than_the_limit(engine, project):
    too_deep = deep_events(600)
    assert json_depth(too_deep) + 1 > LIMIT
    with pytest.raises(incuera.InvalidArgument, match="nested deeper than 1100 levels"):
        engine.ingest(project, "deep-2", too_deep)


def test_a_recording_of_an_ordinary_real_page_depth_is_analysed(engine):
    # 40 levels under <body>: far beyond Boost's default, common on real sites.
    events = json.loads(deep_events(40))
    result = engine.analyze_events(events)
    assert result["counts"]["clicks"] == 1
