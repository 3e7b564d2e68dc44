"""server/config.py: SANGLOC_* settings, unknown keys, the generated secret key."""

from __future__ import annotations

import stat

import pytest

from server.config import ConfigError, build_config, read_environment


def test_defaults_without_environment():
    settings = read_environment({})
    assert settings["PORT"] == 5000 and settings["STRICT"] is False
    assert settings["DATABASE_URL"] is None


def test_values_are_converted_to_the_default_type():
    settings = read_environment({"SANGLOC_PORT": "8080", "SANGLOC_STRICT": "yes",
                                 "SANGLOC_HOST": "0.0.0.0", "OTHER": "ignored"})
    assert settings["PORT"] == 8080 and settings["STRICT"] is True
    assert settings["HOST"] == "0.0.0.0"


def test_unknown_setting_is_an_error():
    with pytest.raises(ConfigError, match="SANGLOC_DATABASE_ULR"):
        read_environment({"SANGLOC_DATABASE_ULR": "sqlite://"})


@pytest.mark.parametrize(("key", "value"), [("SANGLOC_PORT", "http"), ("SANGLOC_STRICT", "maybe")])
def test_unconvertible_value_is_an_error(key, value):
    with pytest.raises(ConfigError, match=key):
        read_environment({key: value})


def test_sqlite_default_and_generated_secret_key(tmp_path):
    config = build_config(environ={"SANGLOC_INSTANCE_DIR": str(tmp_path / "inst")})
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'inst' / 'sangloc.db'}"
    key_file = tmp_path / "inst" / "secret_key"
    assert len(config["SECRET_KEY"]) == 64
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    again = build_config(environ={"SANGLOC_INSTANCE_DIR": str(tmp_path / "inst")})
    assert again["SECRET_KEY"] == config["SECRET_KEY"]  # kept across restarts
    other = build_config(environ={"SANGLOC_INSTANCE_DIR": str(tmp_path / "other")})
    assert other["SECRET_KEY"] != config["SECRET_KEY"]  # never a built-in default


def test_secret_key_from_the_environment_for_several_nodes(tmp_path):
    config = build_config(environ={"SANGLOC_INSTANCE_DIR": str(tmp_path),
                                   "SANGLOC_SECRET_KEY": "shared-by-every-node"})
    assert config["SECRET_KEY"] == "shared-by-every-node"
    assert not (tmp_path / "secret_key").exists()


def test_body_limit_allows_multipart_framing_above_the_advertised_size(tmp_path):
    config = build_config(environ={"SANGLOC_INSTANCE_DIR": str(tmp_path),
                                   "SANGLOC_MAX_SUBMISSION_BYTES": "5000"})
    assert config["SANGLOC_MAX_SUBMISSION_BYTES"] == 5000
    assert config["MAX_CONTENT_LENGTH"] > 5000
