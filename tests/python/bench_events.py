"""Figures for `make bench`: reading a 10 000-event session from Python as
raw bytes vs Python objects, against json.load of the same events file.

    PYTHONPATH=build/bindings/python /usr/bin/python3 tests/python/bench_events.py
"""

import json
import pathlib
import sys
import tempfile
import time

import incuera

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from conftest import make_events  # noqa: E402

EVENTS = 10_000
ROUNDS = 5


def best_of(fn):
    best = float("inf")
    for _ in range(ROUNDS):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best * 1000


def main():
    with tempfile.TemporaryDirectory() as tmp:
        engine = incuera.open(database_url=f"sqlite://{tmp}/db",
                              storage_url=f"file://{tmp}/objects",
                              secret_key="bench-secret-key-0123456789abcdef",
                              secret_key_file=f"{tmp}/secret_key")
        owner = engine.add_user("bench@example.com", "a long enough password")
        project = engine.create_project(owner.id, "Bench", "bench")
        events = make_events(EVENTS)
        for seq, start in enumerate(range(0, EVENTS, 500)):
            result = engine.ingest(project, "bench", events[start:start + 500], seq=seq)
        sid = result["session_id"]
        path = pathlib.Path(tmp) / "events.json"
        path.write_text(json.dumps(events))
        size = path.stat().st_size
        raw = best_of(lambda: engine.session_events_raw(sid))
        objects = best_of(lambda: engine.session_events(sid))
        file = best_of(lambda: json.load(path.open("rb")))
        print(f"python read of a {EVENTS}-event session ({size / 1e6:.1f} MB), best of {ROUNDS}:")
        print(f"  session_events_raw (bytes)   {raw:8.1f} ms")
        print(f"  session_events (objects)     {objects:8.1f} ms")
        print(f"  json.load of the same file   {file:8.1f} ms")


if __name__ == "__main__":
    main()
