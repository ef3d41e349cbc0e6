"""The database cache, with one statement per write.

Django's DatabaseCache writes a key in three or four statements: a COUNT(*) of the whole table (to
decide whether to cull), a SELECT of the key, then an INSERT or an UPDATE, inside a transaction. The
sessions and the page cache (gangwei/pagecache.py) write on every login, every POST and every page
built, so here `set` is one upsert (INSERT ... ON CONFLICT DO UPDATE, which PostgreSQL and SQLite both
have), and the table is counted and culled on one write in CULL_EVERY only (chosen at random: every
process culls, none on every write). Reads, add, touch and delete are Django's.

Culling drops the expired entries, then those closest to expiring (Django's drops the lowest keys,
whose order depends on the database's collation): an entry kept without a timeout (the page cache's
generations) goes last.
"""

import base64
import pickle
import random
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router
from django.utils.timezone import now as tz_now

CULL_EVERY = 20


class UpsertDatabaseCache(DatabaseCache):
    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        timeout = self.get_backend_timeout(timeout)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        if connection.vendor not in ("postgresql", "sqlite"):
            return self._base_set("set", key, value, timeout)
        quote_name = connection.ops.quote_name
        table = quote_name(self._table)
        if timeout is None:
            expires = datetime.max
        else:
            expires = datetime.fromtimestamp(timeout, tz=UTC if settings.USE_TZ else None)
        expires = connection.ops.adapt_datetimefield_value(expires.replace(microsecond=0))
        encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
        key_column, value_column, expires_column = (quote_name(c) for c in ("cache_key", "value", "expires"))
        with connection.cursor() as cursor:
            if random.randrange(CULL_EVERY) == 0:
                cursor.execute(f"SELECT COUNT(*) FROM {table}")
                count = cursor.fetchone()[0]
                if count > self._max_entries:
                    self._cull(db, cursor, tz_now().replace(microsecond=0), count)
            cursor.execute(
                f"INSERT INTO {table} ({key_column}, {value_column}, {expires_column}) VALUES (%s, %s, %s) "
                f"ON CONFLICT ({key_column}) DO UPDATE SET {value_column} = EXCLUDED.{value_column}, "
                f"{expires_column} = EXCLUDED.{expires_column}",
                [key, encoded, expires],
            )
        return True

    def _cull(self, db, cursor, now, num):
        if self._cull_frequency == 0:
            self.clear()
            return
        connection = connections[db]
        quote_name = connection.ops.quote_name
        table, key_column, expires_column = quote_name(self._table), quote_name("cache_key"), quote_name("expires")
        cursor.execute(
            f"DELETE FROM {table} WHERE {expires_column} < %s", [connection.ops.adapt_datetimefield_value(now)]
        )
        remaining = num - cursor.rowcount
        if remaining > self._max_entries:
            cursor.execute(
                f"DELETE FROM {table} WHERE {key_column} IN "
                f"(SELECT {key_column} FROM {table} ORDER BY {expires_column}, {key_column} LIMIT %s)",
                [remaining // self._cull_frequency],
            )
