"""The shared cache: computed once per key, shared through Redis when set, and never a failure."""

import os

import pytest

from app import create_app, shared_cache
from app.shared_cache import remember


def counter():
    calls = []

    def compute():
        calls.append(1)
        return {"value": len(calls)}

    return calls, compute


def test_a_value_is_computed_once_per_key(app):
    calls, compute = counter()
    assert remember("test:one", compute) == {"value": 1}
    assert remember("test:one", compute) == {"value": 1}
    assert remember("test:two", compute) == {"value": 2}
    assert len(calls) == 2


def test_none_is_never_kept(app):
    calls = []

    def nothing():
        calls.append(1)

    assert remember("test:none", nothing) is None
    assert remember("test:none", nothing) is None
    assert len(calls) == 2


def test_without_redis_each_process_keeps_a_bounded_store(app):
    assert app.config["REDIS_URL"] is None
    assert type(shared_cache.cache.cache).__name__ == "SimpleCache"


def test_redis_unreachable_computes_and_logs(tmp_path, caplog):
    app = create_app("testing", REDIS_URL="redis://127.0.0.1:9/0", SQLALCHEMY_DATABASE_URI="sqlite://")
    calls, compute = counter()
    with app.app_context():
        assert remember("test:down", compute) == {"value": 1}
        assert remember("test:down", compute) == {"value": 2}
    assert "cache unreachable" in caplog.text


@pytest.mark.skipif(not os.environ.get("TEST_REDIS_URL"), reason="needs TEST_REDIS_URL (CI PG pass)")
def test_two_processes_share_values_through_redis():
    url = os.environ["TEST_REDIS_URL"]
    first = create_app("testing", REDIS_URL=url, SQLALCHEMY_DATABASE_URI="sqlite://")
    second = create_app("testing", REDIS_URL=url, SQLALCHEMY_DATABASE_URI="sqlite://")
    calls, compute = counter()
    with first.app_context():
        shared_cache.cache.delete("test:shared")
        assert remember("test:shared", compute) == {"value": 1}
    with second.app_context():
        assert remember("test:shared", compute) == {"value": 1}
        shared_cache.cache.delete("test:shared")
    assert len(calls) == 1


@pytest.mark.skipif(not os.environ.get("TEST_REDIS_URL"), reason="needs TEST_REDIS_URL (CI PG pass)")
def test_installations_sharing_a_redis_keep_their_values_apart(tmp_path):
    url = os.environ["TEST_REDIS_URL"]
    one = create_app("testing", REDIS_URL=url, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/one.db")
    other = create_app("testing", REDIS_URL=url, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/other.db")
    with one.app_context():
        remember("ranking:1:1:mean", lambda: "one's")
    with other.app_context():
        assert remember("ranking:1:1:mean", lambda: "other's") == "other's"
    with one.app_context():
        assert remember("ranking:1:1:mean", lambda: "recomputed") == "one's"
        shared_cache.cache.delete("ranking:1:1:mean")
    with other.app_context():
        shared_cache.cache.delete("ranking:1:1:mean")
