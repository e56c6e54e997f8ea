"""Fixtures: an Engine on a temp SQLite database and, when
INCUERA_TEST_POSTGRES_URL is set, on a fresh PostgreSQL database."""

import os
import subprocess
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest

import incuera

POSTGRES_URL = os.environ.get("INCUERA_TEST_POSTGRES_URL", "")
FAR_FUTURE = 4_000_000_000_000  # ms; past every end grace period
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])


def _psql(sql):
    subprocess.run(["psql", POSTGRES_URL, "-q", "-c", sql], check=True,
                   stdout=subprocess.DEVNULL)


@pytest.fixture(params=BACKENDS)
def engine(request, tmp_path):
    if request.param == "sqlite":
        database_url = f"sqlite://{tmp_path}/incuera.db"
        cleanup = None
    else:
        name = "t_py_" + uuid.uuid4().hex[:12]
        _psql(f"CREATE DATABASE {name}")
        parts = urlsplit(POSTGRES_URL)
        database_url = urlunsplit(parts._replace(path="/" + name))
        cleanup = name
    e = incuera.open(database_url=database_url,
                     storage_url=f"file://{tmp_path}/objects",
                     secret_key="python-test-secret-key-0123456789",
                     secret_key_file=str(tmp_path / "secret_key"))
    yield e
    del e
    if cleanup:
        _psql(f"DROP DATABASE IF EXISTS {cleanup} WITH (FORCE)")


@pytest.fixture
def project(engine):
    owner = engine.add_user("owner@example.com", "correct horse battery staple")
    return engine.create_project(owner.id, "Shop", "shop", min_duration_ms=0)


def make_events(count, start=1_700_000_000_000, with_error=False):
    events = [{"type": 4, "data": {"href": "https://shop.example/", "width": 1280,
                                   "height": 720}, "timestamp": start}]
    for i in range(1, count):
        events.append({"type": 3, "data": {"source": 2, "type": 2, "id": 5,
                                           "x": 10 + i, "y": 20},
                       "timestamp": start + i * 100})
    if with_error:
        events.append({"type": 5, "data": {"tag": "error",
                                           "payload": {"message": "boom"}},
                       "timestamp": start + count * 100})
    return events
