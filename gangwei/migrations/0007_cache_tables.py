"""The cache's tables (CACHES: the default cache and the page cache), made by migrate itself.

Signed-in pages read the page cache on every request (gangwei/pagecache.py), so a database that was
migrated but never given `manage.py createcachetable` would fail every page. createcachetable is
idempotent; running it again beside migrate (as `make run` does) changes nothing.

On PostgreSQL the tables are UNLOGGED: a cache needs no write-ahead log, and without it a write to
the cache (a kept page, a new generation after every POST) commits without waiting for the disk.
After a crash PostgreSQL empties them, which a cache survives (the sessions are read from
django_session again, the pages are built again).
"""

from django.conf import settings
from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    connection = schema_editor.connection
    call_command("createcachetable", database=connection.alias, verbosity=0)
    if connection.vendor != "postgresql":
        return
    for cache in settings.CACHES.values():
        if cache.get("BACKEND", "").endswith("DatabaseCache"):
            schema_editor.execute(f"ALTER TABLE {schema_editor.quote_name(cache['LOCATION'])} SET UNLOGGED")


class Migration(migrations.Migration):
    dependencies = [("gangwei", "0006_load_holiday_calendar")]

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]
