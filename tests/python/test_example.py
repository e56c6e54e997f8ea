"""examples/python/slowest_sessions.py lists the slowest erroring sessions."""

import os
import pathlib
import subprocess
import sys

import incuera
from conftest import FAR_FUTURE, make_events

EXAMPLE = pathlib.Path(__file__).resolve().parents[2] / "examples" / "python" / "slowest_sessions.py"


def test_example_lists_the_slowest_sessions_with_errors(tmp_path):
    db = f"sqlite://{tmp_path}/db"
    storage = f"file://{tmp_path}/objects"
    engine = incuera.open(database_url=db, storage_url=storage,
                          secret_key_file=str(tmp_path / "secret_key"))
    owner = engine.add_user("o@example.com", "a long enough password")
    project = engine.create_project(owner.id, "Shop", "shop", min_duration_ms=0)
    for name, count, with_error in [("short", 4, True), ("long", 31, True), ("clean", 50, False)]:
        engine.ingest(project, name, make_events(count, with_error=with_error))
        engine.end_session(project, name)
    engine.finalize_ended(now=FAR_FUTURE)
    del engine
    out = subprocess.run(
        [sys.executable, str(EXAMPLE), "--database-url", db, "--storage-url", storage,
         "--project-id", project.id, "--no-render"],
        check=True, capture_output=True, text=True, env=dict(os.environ), cwd=tmp_path).stdout
    lines = out.splitlines()
    assert len(lines) == 2
    assert "3.1s" in lines[0] and "0.4s" in lines[1]
