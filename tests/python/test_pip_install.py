"""`pip install ./bindings/python` works without PyPI (Debian's setuptools,
--no-build-isolation) and the installed package imports and works on its own,
without the build tree on the path."""

import os
import pathlib
import re
import subprocess
import sys

import pytest

PACKAGE_DIR = pathlib.Path(__file__).resolve().parents[2] / "bindings" / "python"

# Runs in a fresh interpreter whose only path to incuera is the install.
ROUND_TRIP = """
import json, sys
import incuera
site = sys.argv[1]
assert incuera.__file__.startswith(site), incuera.__file__
assert incuera._incuera.__file__.startswith(site), incuera._incuera.__file__
engine = incuera.open(database_url="sqlite://" + sys.argv[2] + "/db",
                      storage_url="file://" + sys.argv[2] + "/objects",
                      secret_key="pip-install-test-secret-key-0123456789")
owner = engine.add_user("pip@example.com", "a long enough password")
project = engine.create_project(owner.id, "Shop", "shop")
events = [{"type": 4, "data": {"href": "https://shop.example/"}, "timestamp": 1700000000000},
          {"type": 3, "data": {"source": 1}, "timestamp": 1700000000100}]
result = engine.ingest(project, "pip-session", events, seq=0)
assert engine.session_events(result["session_id"]) == events
assert json.loads(engine.session_events_raw(result["session_id"])) == events
try:
    engine.session_events("00000000-0000-0000-0000-000000000000")
except incuera.NotFound:
    print("ok")
"""


def test_pip_install_gives_a_package_that_imports_and_works(tmp_path):
    build = os.environ.get("INCUERA_BUILD_DIR")
    if not build:
        pytest.skip("INCUERA_BUILD_DIR is not set (tests/python/run.sh sets it)")
    site = tmp_path / "site"
    env = dict(os.environ, INCUERA_CMAKE_BUILD_DIR=str(pathlib.Path(build).resolve()))
    env.pop("PYTHONPATH", None)
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-build-isolation", "--no-index",
         "--no-deps", "--target", str(site), str(PACKAGE_DIR)],
        check=True, env=env, capture_output=True)

    package = site / "incuera"
    assert (package / "__init__.py").is_file()
    assert (package / "__init__.pyi").is_file()
    assert (package / "py.typed").is_file()
    assert len(list(package.glob("_incuera*.so"))) == 1
    cmake = (PACKAGE_DIR.parents[1] / "CMakeLists.txt").read_text()
    version = re.search(r"project\(incuera VERSION ([0-9.]+)", cmake).group(1)
    assert (site / f"incuera-{version}.dist-info" / "METADATA").is_file()

    out = subprocess.run(
        [sys.executable, "-c", ROUND_TRIP, str(site), str(tmp_path)],
        check=True, capture_output=True, text=True, cwd=tmp_path,
        env=dict(env, PYTHONPATH=str(site)))
    assert out.stdout.strip() == "ok"
