"""A counter bumped by every change to what the catalogue shows: the cache key of counts.

It lives in the database, so it changes in the same transaction as the data (a rollback undoes
it) and every server process sees the same value.
"""

from django.db import models
from django.db.models import F


class CatalogueGeneration(models.Model):
    value = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = "génération du catalogue"

    def __str__(self):
        return str(self.value)

    @classmethod
    def current(cls) -> int:
        value = cls.objects.filter(pk=1).values_list("value", flat=True).first()
        return value or 0

    @classmethod
    def bump(cls) -> None:
        if not cls.objects.filter(pk=1).update(value=F("value") + 1):
            cls.objects.get_or_create(pk=1, defaults={"value": 1})
