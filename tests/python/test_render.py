"""Rendering through the bindings: progress callbacks, and the GIL released
while the C++ side works."""

import json
import os
import pathlib
import threading

import pytest

import incuera
from conftest import FAR_FUTURE

SHOP = pathlib.Path(__file__).resolve().parents[1] / "data" / "recording" / "shop.json"


class Counter(threading.Thread):
    """Counts in a Python loop until stopped: progress means the GIL was free."""

    def __init__(self):
        super().__init__(daemon=True)
        self.count = 0
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set():
            self.count += 1


def test_render_file_releases_the_gil_and_reports_progress(engine, tmp_path):
    progress = []
    counter = Counter()
    counter.start()
    before = counter.count
    out = tmp_path / "out"
    out.mkdir()
    result = engine.render_file(str(SHOP), str(out), progress.append)
    during = counter.count - before
    counter.stop.set()
    counter.join()
    assert os.path.getsize(result["video_path"]) > 0
    assert result["frames_encoded"] > 0
    assert progress and progress[-1] == pytest.approx(1.0)
    assert progress == sorted(progress)
    # With the GIL held for seconds the counter would barely move.
    assert during > 100_000


def test_render_file_of_a_missing_file_raises_not_found(engine, tmp_path):
    with pytest.raises(incuera.NotFound):
        engine.render_file(str(tmp_path / "nope.json"), str(tmp_path / "out"))


def test_render_session_stores_the_video(engine, project):
    events = json.loads(SHOP.read_bytes())
    sid = engine.ingest(project, "shop-1", events)["session_id"]
    engine.end_session(project, "shop-1")
    engine.finalize_ended(now=FAR_FUTURE)
    calls = []
    session = engine.render_session(sid, progress=calls.append)
    assert session.status == "ready"
    assert session.video_size > 0 and session.video_key
    assert calls


def test_render_session_of_an_unknown_session_raises_not_found(engine):
    with pytest.raises(incuera.NotFound):
        engine.render_session("00000000-0000-0000-0000-000000000000")
