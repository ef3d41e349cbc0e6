"""The deploy check that keeps the app servers stateless (DESIGN §10: any number of servers)."""

from gangwei import checks


def test_check_stateless_clean_with_the_settings():
    assert checks.check_stateless(None) == []


def test_check_stateless_refuses_a_process_local_cache(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "gangwei_cache"},
        "fragments": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    assert [(p.id, p.msg) for p in checks.check_stateless(None)] == [
        ("gangwei.E081", "The cache 'fragments' (django.core.cache.backends.locmem.LocMemCache) is kept by each "
         "process for itself.")
    ]


def test_check_stateless_refuses_sessions_on_local_disk(settings):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.file"
    assert [p.id for p in checks.check_stateless(None)] == ["gangwei.E082"]


def test_the_database_cache_is_shared_by_everything_on_the_database(db):
    """The cache table exists in the test database (Django's test runner makes it) and works."""
    from django.core.cache import cache

    cache.set("gangwei-two-servers", "甲", 30)
    assert cache.get("gangwei-two-servers") == "甲"
