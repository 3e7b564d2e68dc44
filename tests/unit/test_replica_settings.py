"""Read replica and PgBouncer settings (server/config.py, server/replica.py): what is refused
at start, the engine options, and how WAL positions compare."""

from __future__ import annotations

import pytest

from server.config import ConfigError, build_config, engine_options
from server.replica import lsn_value

PG = "postgresql+psycopg://sangloc@db/sangloc"


def test_a_replica_needs_postgresql_on_both_sides(tmp_path):
    with pytest.raises(ConfigError, match="DATABASE_REPLICA_URL needs PostgreSQL"):
        build_config({"INSTANCE_DIR": str(tmp_path), "DATABASE_REPLICA_URL": PG}, environ={})
    with pytest.raises(ConfigError, match="DATABASE_REPLICA_URL needs PostgreSQL"):
        build_config({"INSTANCE_DIR": str(tmp_path), "DATABASE_URL": PG,
                      "DATABASE_REPLICA_URL": "sqlite:///x.db"}, environ={})
    config = build_config({"INSTANCE_DIR": str(tmp_path), "DATABASE_URL": PG,
                           "DATABASE_REPLICA_URL": PG}, environ={})
    assert config["SANGLOC_DATABASE_REPLICA_MAX_LAG"] == 10


def test_the_lag_limit_is_a_number_of_seconds_in_range(tmp_path):
    with pytest.raises(ConfigError, match="DATABASE_REPLICA_MAX_LAG must be between 1"):
        build_config({"INSTANCE_DIR": str(tmp_path)},
                     environ={"SANGLOC_DATABASE_REPLICA_MAX_LAG": "0"})


def test_behind_pgbouncer_nothing_is_prepared_on_the_server(tmp_path):
    assert "connect_args" not in engine_options(PG)
    assert engine_options(PG, pgbouncer=True)["connect_args"] == {"prepare_threshold": None}
    config = build_config({"INSTANCE_DIR": str(tmp_path), "DATABASE_URL": PG},
                          environ={"SANGLOC_DATABASE_PGBOUNCER": "1"})
    assert config["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"] == {"prepare_threshold": None}


def test_wal_positions_compare_as_byte_offsets():
    # 'X/Y' is two hexadecimal halves of a 64-bit position: 1/0 comes after 0/FFFFFFFF
    assert lsn_value("0/FFFFFFFF") == 0xFFFFFFFF
    assert lsn_value("1/0") == 1 << 32
    assert lsn_value("16/B374D848") == (0x16 << 32) + 0xB374D848
    assert lsn_value(None) is None and lsn_value("") is None
