"""gangwei.cache.UpsertDatabaseCache: Django's database cache, each write one upsert."""

import datetime as dt

import pytest
import time_machine
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gangwei import cache as cache_module

pytestmark = pytest.mark.django_db


@pytest.fixture
def cache():
    pages = caches["pages"]
    pages.clear()
    return pages


def test_a_set_is_one_statement_and_reads_back(cache, monkeypatch):
    monkeypatch.setattr(cache_module.random, "randrange", lambda n: 1)  # not this time's cull
    with CaptureQueriesContext(connection) as queries:
        cache.set("甲", {"值": [1, 2]}, 60)
    assert len(queries.captured_queries) == 1
    assert cache.get("甲") == {"值": [1, 2]}


def test_a_second_set_replaces_the_value_and_the_expiry(cache):
    with time_machine.travel(dt.datetime(2026, 1, 1, tzinfo=dt.UTC), tick=False) as traveller:
        cache.set("key", "first", 10)
        cache.set("key", "second", 100)
        traveller.shift(dt.timedelta(seconds=50))
        assert cache.get("key") == "second"
        traveller.shift(dt.timedelta(seconds=60))
        assert cache.get("key") is None


def test_no_timeout_never_expires_and_add_and_delete_still_work(cache):
    cache.set("forever", 1, None)
    assert cache.add("forever", 2) is False
    assert cache.get("forever") == 1
    cache.delete("forever")
    assert cache.get("forever") is None
    assert cache.add("forever", 3) is True


def test_the_table_is_culled_now_and_then(cache, monkeypatch):
    monkeypatch.setattr(cache, "_max_entries", 10)
    monkeypatch.setattr(cache_module.random, "randrange", lambda n: 1)
    cache.set("a-forever", "kept", None)  # sorts first, never expires
    for i in range(29):
        cache.set(f"k{i:02d}", i, 3600 - 60 * i)  # the higher, the sooner it expires
    keys = ["a-forever", *(f"k{i:02d}" for i in range(30))]
    assert len(cache.get_many(keys)) == 30  # no cull drawn: all kept

    monkeypatch.setattr(cache_module.random, "randrange", lambda n: 0)
    cache.set("k29", 29, 60)

    kept = cache.get_many(keys)
    # A third of the 30 rows found go, those closest to expiring first (whatever the keys' order):
    # k19..k28; never the one without a timeout. Then the new row.
    assert sorted(kept) == ["a-forever", *(f"k{i:02d}" for i in range(19)), "k29"]


def test_the_cache_tables_exist_after_migrate_and_skip_the_log_on_postgresql():
    tables = ["gangwei_cache", "gangwei_page_cache"]
    with connection.cursor() as cursor:
        assert set(tables) <= set(connection.introspection.table_names(cursor))
        if connection.vendor == "postgresql":
            cursor.execute("SELECT relname, relpersistence FROM pg_class WHERE relname = ANY(%s) ORDER BY relname", [tables])
            assert cursor.fetchall() == [("gangwei_cache", "u"), ("gangwei_page_cache", "u")]


# --- read_ahead: several keys of two tables in one query, each answering its first get -------------


def _count(func):
    with CaptureQueriesContext(connection) as queries:
        result = func()
    return result, len(queries.captured_queries)


def test_read_ahead_reads_two_tables_in_one_query_and_answers_each_key_once(cache):
    default = caches["default"]
    default.set("会话", {"用户": 7}, 60)
    cache.set("页面", "内容", 60)
    cache.set("另一个", "值", 60)
    try:
        _, queries = _count(lambda: cache_module.read_ahead({"pages": ["页面", "没有的"], "default": ["会话"]}))
        assert queries == 1
        assert _count(lambda: default.get("会话")) == ({"用户": 7}, 0)
        assert _count(lambda: cache.get_many(["页面", "没有的"])) == ({"页面": "内容"}, 0)  # absent: no query
        assert _count(lambda: cache.get_many(["页面", "另一个"])) == ({"页面": "内容", "另一个": "值"}, 1)  # once only
    finally:
        cache_module.end_read_ahead()
    assert _count(lambda: default.get("会话")) == ({"用户": 7}, 1)


def test_a_key_written_or_deleted_after_the_read_ahead_is_read_again(cache):
    cache.set("甲", "旧", 60)
    cache.set("乙", "旧", 60)
    try:
        cache_module.read_ahead({"pages": ["甲", "乙", "丙"]})
        cache.set("甲", "新", 60)
        cache.delete("乙")
        cache.add("丙", "加上的", 60)
        assert cache.get_many(["甲", "乙", "丙"]) == {"甲": "新", "丙": "加上的"}
    finally:
        cache_module.end_read_ahead()


def test_an_entry_expired_when_read_ahead_is_absent(cache):
    with time_machine.travel(dt.datetime(2026, 1, 1, tzinfo=dt.UTC), tick=False) as traveller:
        cache.set("短", "值", 10)
        traveller.shift(dt.timedelta(seconds=11))
        try:
            cache_module.read_ahead({"pages": ["短"]})
            assert _count(lambda: cache.get("短")) == (None, 0)
        finally:
            cache_module.end_read_ahead()
