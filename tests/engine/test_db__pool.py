"""The connection pool's settings come from the environment, with defaults, and pre-ping is always on."""
from __future__ import annotations

import pytest

from engine.store.db import make_engine, pool_settings


def test_defaults_and_pre_ping():
    assert pool_settings({}) == {"pool_pre_ping": True, "pool_size": 10, "max_overflow": 20, "pool_timeout": 30,
                                 "pool_recycle": 1800}


def test_each_variable_sets_its_setting():
    settings = pool_settings({"DB_POOL_SIZE": "4", "DB_MAX_OVERFLOW": "0", "DB_POOL_TIMEOUT": "5",
                              "DB_POOL_RECYCLE": " 600 "})
    assert settings == {"pool_pre_ping": True, "pool_size": 4, "max_overflow": 0, "pool_timeout": 5, "pool_recycle": 600}


@pytest.mark.parametrize("value", ["tien", "-1", "2.5"])
def test_a_wrong_value_names_the_variable(value):
    with pytest.raises(ValueError, match="DB_POOL_SIZE"):
        pool_settings({"DB_POOL_SIZE": value})


def test_a_postgres_engine_uses_them_and_arguments_win(monkeypatch):
    monkeypatch.setenv("DB_POOL_SIZE", "3")
    monkeypatch.setenv("DB_POOL_RECYCLE", "60")
    engine = make_engine("postgresql://postgres@127.0.0.1:1/none", max_overflow=1)
    try:
        assert engine.pool.size() == 3
        assert engine.pool._max_overflow == 1
        assert engine.pool._recycle == 60
        assert engine.pool._pre_ping is True
    finally:
        engine.dispose()
