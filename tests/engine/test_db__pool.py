"""The connection pool's settings come from the settings (``DB_POOL_*``, web.settings), with defaults,
and pre-ping is always on."""
from __future__ import annotations

import pytest

from engine.store.db import POOL_DEFAULTS, make_engine
from web.settings import SettingError, from_environ, pool_arguments


def pool_settings(environ: dict) -> dict:
    return {"pool_pre_ping": True, **pool_arguments(from_environ(environ))}


def test_defaults_and_pre_ping():
    assert pool_settings({}) == {"pool_pre_ping": True, "pool_size": 10, "max_overflow": 20, "pool_timeout": 30,
                                 "pool_recycle": 1800}
    assert POOL_DEFAULTS == pool_arguments(from_environ({}))


def test_each_variable_sets_its_setting():
    settings = pool_settings({"DB_POOL_SIZE": "4", "DB_MAX_OVERFLOW": "0", "DB_POOL_TIMEOUT": "5",
                              "DB_POOL_RECYCLE": " 600 "})
    assert settings == {"pool_pre_ping": True, "pool_size": 4, "max_overflow": 0, "pool_timeout": 5, "pool_recycle": 600}


@pytest.mark.parametrize("value", ["tien", "-1", "2.5"])
def test_a_wrong_value_names_the_variable(value):
    with pytest.raises(SettingError, match="DB_POOL_SIZE"):
        pool_settings({"DB_POOL_SIZE": value})


def test_a_postgres_engine_uses_them_and_arguments_win():
    pool = pool_arguments(from_environ({"DB_POOL_SIZE": "3", "DB_POOL_RECYCLE": "60"}))
    engine = make_engine("postgresql://postgres@127.0.0.1:1/none", pool, max_overflow=1)
    try:
        assert engine.pool.size() == 3
        assert engine.pool._max_overflow == 1
        assert engine.pool._recycle == 60
        assert engine.pool._pre_ping is True
    finally:
        engine.dispose()
