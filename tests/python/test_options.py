"""Options and SessionFilter conversions."""

import pytest

import incuera


def test_options_have_the_library_defaults():
    options = incuera.Options()
    assert options.database_url == "sqlite://var/incuera.db"
    assert options.queue_url == "db"
    assert options.render.fps == 25
    assert options.llm.max_tokens > 0


def test_nested_options_are_writable():
    options = incuera.Options()
    render = options.render
    render.width = 640
    options.render = render
    assert options.render.width == 640


def test_load_environment_applies_an_env_file(tmp_path):
    env = tmp_path / "env"
    env.write_text("STORAGE_URL=file:///tmp/from-env\nRENDER_FPS=12\n")
    options = incuera.Options()
    options.load_environment(str(env))
    assert options.storage_url == "file:///tmp/from-env"
    assert options.render.fps == 12


def test_load_environment_rejects_a_bad_value(tmp_path):
    env = tmp_path / "env"
    env.write_text("RENDER_FPS=fast\n")
    with pytest.raises(incuera.InvalidArgument):
        incuera.Options().load_environment(str(env))


def test_session_filter_status_round_trips():
    f = incuera.SessionFilter()
    assert f.status is None
    f.status = "ready"
    assert f.status == "ready"
    f.status = None
    assert f.status is None
    f.has_errors = True
    f.min_duration_ms = 1000
    assert f.has_errors and f.min_duration_ms == 1000
