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


@pytest.mark.parametrize(("key", "value", "allowed"), [
    ("SANGLOC_THRESHOLDS", "vn", "international, vietnam"),
    ("SANGLOC_DEFAULT_LANGUAGE", "fr", "vi, en"),
    ("SANGLOC_LOG_LEVEL", "LOUD", "DEBUG, INFO, WARNING, ERROR, CRITICAL"),
])
def test_an_enumerated_setting_must_be_one_of_its_values(tmp_path, key, value, allowed):
    """A typo such as SANGLOC_THRESHOLDS=vn stops the server, naming the allowed values
    (issue 8, item 5: before, every scored form was stored as merge-failed)."""
    with pytest.raises(ConfigError, match=f"{key} must be one of {allowed}"):
        build_config(environ={"SANGLOC_INSTANCE_DIR": str(tmp_path), key: value})


@pytest.mark.parametrize(("key", "value"), [
    ("SANGLOC_PORT", "0"), ("SANGLOC_PORT", "70000"), ("SANGLOC_WORKERS", "0"),
    ("SANGLOC_THREADS", "0"), ("SANGLOC_PROXY_COUNT", "-1"),
    ("SANGLOC_MAX_SUBMISSION_BYTES", "0"), ("SANGLOC_REFERRAL_DAYS", "-3"),
    ("SANGLOC_INTERVIEW_DAYS", "0"), ("SANGLOC_READ_TIMEOUT", "0"),
])
def test_a_numeric_setting_must_be_in_its_range(tmp_path, key, value):
    with pytest.raises(ConfigError, match=f"{key} must be between"):
        build_config(environ={"SANGLOC_INSTANCE_DIR": str(tmp_path), key: value})


def test_overrides_are_checked_like_the_environment(tmp_path):
    with pytest.raises(ConfigError, match="SANGLOC_THRESHOLDS"):
        build_config({"THRESHOLDS": "vn", "INSTANCE_DIR": str(tmp_path)}, environ={})


def test_valid_enumerated_values_pass(tmp_path):
    config = build_config(environ={"SANGLOC_INSTANCE_DIR": str(tmp_path),
                                   "SANGLOC_THRESHOLDS": "vietnam",
                                   "SANGLOC_LOG_LEVEL": "debug"})
    assert config["SANGLOC_THRESHOLDS"] == "vietnam"


def test_a_webhook_needs_its_signing_secret(tmp_path):
    environ = {"SANGLOC_INSTANCE_DIR": str(tmp_path),
               "SANGLOC_WEBHOOK_URL": "https://gateway.example.vn/sangloc"}
    with pytest.raises(ConfigError, match="WEBHOOK_SECRET"):
        build_config(environ=environ)
    config = build_config(environ={**environ, "SANGLOC_WEBHOOK_SECRET": "s3cret"})
    assert config["SANGLOC_WEBHOOK_URL"] == "https://gateway.example.vn/sangloc"
