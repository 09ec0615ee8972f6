"""A token renewed by every change to what the catalogue shows: the cache key of counts.

It lives in the database, so it changes in the same transaction as the data (a rollback undoes
it) and every server process sees the same value. It is random rather than a counter: after a
backup is restored, the next change must not land on a value that the lost timeline already
used for pages cached in Redis.
"""

import secrets

from django.db import connection, models


class CatalogueGeneration(models.Model):
    value = models.PositiveBigIntegerField(default=0)
    # Renewed by each deployment's migrate only: part of the key of cached HTML.
    release = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = "génération du catalogue"

    def __str__(self):
        return str(self.value)

    @classmethod
    def _read(cls, column: str) -> int:
        # Read on every page that caches: plain SQL, a fraction of the ORM's cost to build a query.
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {column} FROM {cls._meta.db_table} WHERE id = 1")
            row = cursor.fetchone()
        return row[0] if row else 0

    @classmethod
    def _renew(cls, *columns: str) -> None:
        values = dict.fromkeys(columns, secrets.randbits(62) + 1)
        if not cls.objects.filter(pk=1).update(**values):
            cls.objects.get_or_create(pk=1, defaults=values)

    @classmethod
    def current(cls) -> int:
        return cls._read("value")

    @classmethod
    def current_release(cls) -> int:
        return cls._read("release")

    @classmethod
    def renew_release(cls) -> None:
        cls._renew("release", "value")

    @classmethod
    def bump(cls) -> None:
        cls._renew("value")
