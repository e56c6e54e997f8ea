"""Users, projects and API keys through the bindings."""

import time

import pytest

import incuera
from conftest import make_events


def test_open_reports_the_backend(engine):
    assert engine.backend in ("sqlite", "postgresql")


def test_options_keyword_that_does_not_exist_is_a_type_error():
    with pytest.raises(TypeError):
        incuera.open(no_such_option=1)


def test_bad_database_url_raises_an_incuera_error():
    with pytest.raises(incuera.Error):
        incuera.open(database_url="nosuch://x")


def test_users_are_added_and_listed(engine):
    user = engine.add_user("Ada@Example.com", "a long enough password", is_admin=True)
    assert user.email == "ada@example.com"
    assert user.is_admin
    assert [u.email for u in engine.list_users()] == ["ada@example.com"]


def test_duplicate_user_email_raises_already_exists(engine):
    engine.add_user("ada@example.com", "a long enough password")
    with pytest.raises(incuera.AlreadyExists) as info:
        engine.add_user("ada@example.com", "another long password")
    assert info.value.code == "already_exists"
    assert isinstance(info.value, incuera.Error)


def test_projects_are_created_listed_found_and_deleted(engine):
    owner = engine.add_user("o@example.com", "a long enough password")
    project = engine.create_project(owner.id, "Shop", "shop", domains=["shop.example"])
    assert project.slug == "shop" and project.domains == ["shop.example"]
    assert [p.id for p in engine.list_projects(owner.id)] == [project.id]
    assert engine.get_project(project.id).name == "Shop"
    assert engine.get_project_by_slug(owner.id, "shop").id == project.id
    engine.delete_project(project.id)
    with pytest.raises(incuera.NotFound):
        engine.get_project(project.id)
    with pytest.raises(incuera.NotFound):
        engine.get_project_by_slug(owner.id, "shop")


def test_projects_carry_their_session_counts(engine):
    ana = engine.add_user("ana@example.com", "a long enough password")
    bob = engine.add_user("bob@example.com", "a long enough password")
    shop = engine.create_project(ana.id, "Shop", "shop")
    blog = engine.create_project(ana.id, "Blog", "blog")
    empty = engine.create_project(ana.id, "Empty", "empty")
    other = engine.create_project(bob.id, "Other", "other")
    assert isinstance(shop, incuera.Project) and shop.session_count == 0
    for i in range(3):
        engine.ingest(shop, f"shop-{i}", make_events(2))
    engine.ingest(blog.id, "blog-0", make_events(2))
    engine.ingest(other, "other-0", make_events(2))
    engine.ingest(other, "other-1", make_events(2))
    # A second batch of one visit is still one session.
    engine.ingest(shop, "shop-0", make_events(2, start=1_700_000_100_000))

    counts = {p.slug: p.session_count for p in engine.list_projects(ana.id)}
    assert counts == {"shop": 3, "blog": 1, "empty": 0}
    assert engine.get_project(shop.id).session_count == 3
    assert engine.get_project_by_slug(ana.id, "empty").session_count == 0
    assert engine.get_project(other.id).session_count == 2
    assert [p.session_count for p in engine.list_projects(bob.id)] == [2]


def test_api_keys_are_created_listed_and_revoked(engine, project):
    key, secret = engine.create_api_key(project.id, "sdk", "ingest")
    assert secret.startswith(key.prefix)
    assert key.scope == "ingest"
    read_key, _ = engine.create_api_key(project.id, "reporting", scope="read")
    assert {k.id for k in engine.list_api_keys(project.id)} == {key.id, read_key.id}
    engine.revoke_api_key(key.id)
    revoked = {k.id: k for k in engine.list_api_keys(project.id)}[key.id]
    assert revoked.revoked_at is not None


def test_unknown_key_scope_raises_invalid_argument(engine, project):
    with pytest.raises(incuera.InvalidArgument):
        engine.create_api_key(project.id, "x", scope="admin")


def test_every_status_code_has_its_error_class():
    names = ["NotFound", "InvalidArgument", "AlreadyExists", "PermissionDenied",
             "Unauthenticated", "ResourceExhausted", "FailedPrecondition",
             "Unavailable", "Unimplemented", "Internal"]
    for name in names:
        assert issubclass(getattr(incuera, name), incuera.Error)


def test_delete_project_deletes_the_stored_files_of_its_sessions(engine, tmp_path):
    owner = engine.add_user("o@example.com", "a long enough password")
    project = engine.create_project(owner.id, "Shop", "shop", min_duration_ms=0)
    result = engine.ingest(project, "visit-1", make_events(3))
    session_dir = tmp_path / "objects" / "sessions" / result["session_id"]
    session_dir.mkdir(parents=True)
    (session_dir / "video.mp4").write_bytes(b"mp4")
    engine.delete_project(project.id)
    assert not (session_dir / "video.mp4").exists()
    with pytest.raises(incuera.NotFound):
        engine.get_session(result["session_id"])


def test_create_project_follows_the_api_rules(engine):
    owner = engine.add_user("o@example.com", "a long enough password")
    assert engine.create_project(owner.id, "Web Shop!").slug == "web-shop"
    for bad_slug in ("Bad Slug", owner.id):
        with pytest.raises(incuera.InvalidArgument):
            engine.create_project(owner.id, "X", bad_slug)
    with pytest.raises(incuera.InvalidArgument):
        engine.create_project(owner.id, " ", "blank-name")
    with pytest.raises(incuera.InvalidArgument):
        engine.add_user("not an email", "a long enough password")
    with pytest.raises(incuera.InvalidArgument):
        engine.add_user("short@example.com", "short")
    assert [p.slug for p in engine.list_projects(owner.id)] == ["web-shop"]


def test_apply_retention_removes_expired_sessions_with_their_files(engine, tmp_path):
    owner = engine.add_user("o@example.com", "a long enough password")
    project = engine.create_project(owner.id, "Shop", "shop", min_duration_ms=0)
    # recorded now: a session's age counts from its arrival on the server too
    start = int(time.time() * 1000)
    old = engine.ingest(project, "old", make_events(3, start=start))["session_id"]
    session_dir = tmp_path / "objects" / "sessions" / old
    session_dir.mkdir(parents=True)
    (session_dir / "video.mp4").write_bytes(b"mp4")
    day = 24 * 3600 * 1000
    # 29 days later nothing has expired (retention_days defaults to 30).
    assert engine.apply_retention(now=start + 29 * day) == 0
    assert engine.get_session(old).id == old
    assert engine.apply_retention(now=start + 31 * day) == 1
    assert not (session_dir / "video.mp4").exists()
    with pytest.raises(incuera.NotFound):
        engine.get_session(old)
    assert engine.apply_retention(now=start + 31 * day) == 0

