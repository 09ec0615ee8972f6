"""Pages of a selection of sheets whose count and keys are cached (list page and API)."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

from casestudies.caching import cached


class CachedPaginator(Paginator):
    """Counts and page keys of a selection cached under the catalogue generation.

    A repeated view of the same selection then costs a primary-key lookup for its 20 sheets
    instead of filtering the whole catalogue again; any change to the catalogue invalidates it.
    """

    def __init__(self, object_list, per_page, cache_key):
        super().__init__(object_list, per_page)
        self.cache_key = cache_key

    @cached_property
    def count(self):
        return cached("list-count", self.cache_key, lambda: self.object_list.count())

    def page(self, number):
        number = self.validate_number(number)
        start = (number - 1) * self.per_page
        keys = cached(
            "list-page",
            f"{self.cache_key}:{number}",
            lambda: list(
                self.object_list.values_list("pk", flat=True)[start : start + self.per_page]
            ),
        )
        rows = {
            case.pk: case
            for case in self.object_list.model.objects.filter(pk__in=keys).with_related()
        }
        return self._get_page([rows[pk] for pk in keys if pk in rows], number, self)
