"""The cache's tables (CACHES: the default cache and the page cache), made by migrate itself.

Signed-in pages read the page cache on every request (gangwei/pagecache.py), so a database that was
migrated but never given `manage.py createcachetable` would fail every page. createcachetable is
idempotent; running it again beside migrate (as `make run` does) changes nothing.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("gangwei", "0006_load_holiday_calendar")]

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]
