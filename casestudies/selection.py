"""The visitor's comparison selection: up to four sheets, kept in the session.

Cards and sheet pages add or remove a sheet with a small POST form (no JavaScript needed); the
selection survives pagination and new searches, and a « Comparer (n) » bar shows it.
"""

from dataclasses import dataclass, field

from django.utils.functional import cached_property

from casestudies.models import CaseStudy

SESSION_KEY = "comparaison"
MAX_SHEETS = 4


def selected_slugs(request) -> list[str]:
    if not hasattr(request, "session"):
        return []
    slugs = request.session.get(SESSION_KEY, [])
    return [slug for slug in slugs if isinstance(slug, str)][:MAX_SHEETS]


def save_slugs(request, slugs: list[str]) -> None:
    request.session[SESSION_KEY] = list(dict.fromkeys(slugs))[:MAX_SHEETS]


@dataclass
class Selection:
    """What the bar and the cards show; the sheets are read only when a page asks."""

    slugs: list[str] = field(default_factory=list)
    limit: int = MAX_SHEETS

    def __contains__(self, slug):
        return slug in self.slugs

    def __len__(self):
        return len(self.slugs)

    @cached_property
    def cases(self) -> list[CaseStudy]:
        if not self.slugs:
            return []
        found = CaseStudy.objects.published().filter(slug__in=self.slugs).only("title", "slug")
        by_slug = {case.slug: case for case in found}
        return [by_slug[slug] for slug in self.slugs if slug in by_slug]

    @property
    def compare_query(self) -> str:
        return ",".join(case.slug for case in self.cases)

    @property
    def is_full(self) -> bool:
        return len(self.slugs) >= self.limit
