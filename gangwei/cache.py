"""The database cache, with one statement per write.

Django's DatabaseCache writes a key in three or four statements: a COUNT(*) of the whole table (to
decide whether to cull), a SELECT of the key, then an INSERT or an UPDATE, inside a transaction. The
sessions and the page cache (gangwei/pagecache.py) write on every login, every POST and every page
built, so here `set` is one upsert (INSERT ... ON CONFLICT DO UPDATE, which PostgreSQL and SQLite both
have), and the table is counted and culled on one write in CULL_EVERY only (chosen at random: every
process culls, none on every write). Reads, add, touch and delete are Django's.

read_ahead() reads the entries a request will need from several such caches (tables of one database)
in one query, before anything asks for them: the session, the signed-in user, the page cache's
generations and a kept page (gangwei/pagecache.py). Each entry read ahead answers the first get of its
key in this thread (found or not), unless the key is written or deleted first; end_read_ahead()
forgets what is left.

Culling drops the expired entries, then those closest to expiring (Django's drops the lowest keys,
whose order depends on the database's collation): an entry kept without a timeout (the page cache's
generations) goes last.
"""

import base64
import pickle
import random
import threading
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, models, router
from django.utils.timezone import now as tz_now

CULL_EVERY = 20

_ahead = threading.local()  # .entries: {(table, made key): the value, or ABSENT}
ABSENT, NOT_READ = object(), object()
# The expires column, for its database's converters (made once: a model field is costly to make).
EXPIRES = models.Expression(output_field=models.DateTimeField())


def read_ahead(wanted: dict[str, list[str]]) -> None:
    """Read `wanted` ({cache alias: [keys]}, each alias an UpsertDatabaseCache of the default database)
    in ONE query, for the next get of each key in this thread."""
    parts, params, made = [], [], {}
    connection = None
    for index, (alias, keys) in enumerate(wanted.items()):
        cache = caches[alias]
        connection = connections[router.db_for_read(cache.cache_model_class)]
        quote = connection.ops.quote_name
        table = cache._table
        keys = list(dict.fromkeys(cache.make_and_validate_key(key) for key in keys))
        if not keys:
            continue
        for key in keys:
            made[(table, key)] = ABSENT
        parts.append(
            f"SELECT {index}, {quote('cache_key')}, {quote('value')}, {quote('expires')} FROM {quote(table)} "
            f"WHERE {quote('cache_key')} IN ({', '.join(['%s'] * len(keys))})"
        )
        params += keys
    if not parts:
        return
    tables = [caches[alias]._table for alias in wanted]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        rows = cursor.fetchall()
    expression = EXPIRES
    converters = connection.ops.get_db_converters(expression) + expression.get_db_converters(connection)
    now = tz_now()
    for index, key, value, expires in rows:
        for converter in converters:
            expires = converter(expires, expression, connection)
        if expires >= now:  # an expired entry counts as absent (culling removes it)
            made[(tables[index], key)] = pickle.loads(base64.b64decode(connection.ops.process_clob(value).encode()))
    _ahead.entries = made


def end_read_ahead() -> None:
    _ahead.entries = None


class UpsertDatabaseCache(DatabaseCache):
    def get_many(self, keys, version=None):
        entries = getattr(_ahead, "entries", None)
        if not entries or not keys:
            return super().get_many(keys, version)
        result, rest = {}, []
        for key in keys:
            value = entries.pop((self._table, self.make_and_validate_key(key, version=version)), NOT_READ)
            if value is NOT_READ:
                rest.append(key)  # not read ahead, or already answered once
            elif value is not ABSENT:
                result[key] = value
        if rest:
            result.update(super().get_many(rest, version))
        return result

    def _forget(self, keys) -> None:
        entries = getattr(_ahead, "entries", None)
        if entries:
            for key in keys:
                entries.pop((self._table, key), None)

    def _base_set(self, mode, key, value, timeout=DEFAULT_TIMEOUT):
        self._forget([key])
        return super()._base_set(mode, key, value, timeout)

    def _base_delete_many(self, keys):
        self._forget(keys)
        return super()._base_delete_many(keys)

    def clear(self):
        end_read_ahead()
        return super().clear()

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        self._forget([key])
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
