"""The count of published sheets, as QuerySet verbs of every model a sheet points to."""

from django.db import models
from django.db.models import Count, Q

from .choices import PublicationStatus


def published_sheets(path: str) -> Count:
    """Distinct published sheets reached through ``path`` (« cases », « citations__case »…)."""
    return Count(
        path,
        filter=Q(**{f"{path}__publication_status": PublicationStatus.PUBLISHED}),
        distinct=True,
    )


class PublishedCountQuerySet(models.QuerySet):
    """``with_published_count()`` annotates ``case_count``: the published sheets of each row."""

    sheets_path = "cases"

    def with_published_count(self):
        return self.annotate(case_count=published_sheets(self.sheets_path))
