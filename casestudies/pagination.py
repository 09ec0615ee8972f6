"""Pages of a selection whose count and keys are cached (sheets: list page and API; lessons)."""

from django.contrib import messages
from django.core.paginator import EmptyPage, Paginator
from django.http import Http404
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from casestudies.caching import cached


class CachedPaginator(Paginator):
    """Counts and page keys of a selection cached under the catalogue generation.

    A repeated view of the same selection then costs a primary-key lookup for its 20 sheets
    instead of filtering the whole catalogue again; any change to the catalogue invalidates it.
    ``fetch(keys)`` loads the rows of a page with what the page shows (by default, sheets with
    their relations); ``cache_key`` must identify the selection and its order.
    """

    def __init__(self, object_list, per_page, cache_key, fetch=None):
        super().__init__(object_list, per_page)
        self.cache_key = cache_key
        self.fetch = fetch or (
            lambda keys: self.object_list.model.objects.filter(pk__in=keys).with_related()
        )

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
        rows = {row.pk: row for row in self.fetch(keys)}
        return self._get_page([rows[pk] for pk in keys if pk in rows], number, self)

    def page_or_404(self, raw, warn):
        """The page numbered ``raw``: an unreadable number (or one below 1) shows page 1 and is
        reported with ``warn(text)``; a page past the end is a 404."""
        try:
            number = int(raw)
        except (TypeError, ValueError):
            number = 0
        if number < 1:
            warn(_("Numéro de page « %s » invalide : première page affichée.") % str(raw)[:20])
            number = 1
        try:
            return self.page(number)
        except EmptyPage:
            raise Http404(_("Cette page de résultats n'existe pas.")) from None


def page_links(page) -> list:
    """First, last and neighbouring page numbers (with ellipses): a national catalogue has
    thousands of pages."""
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))


class TolerantPageMixin:
    """For the HTML lists (sheets, lessons): one rule for page numbers. An unreadable one shows
    the first page with a message; one past the end is a 404. (The API answers 400 and 404.)"""

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.page_or_404(
            self.request.GET.get(self.page_kwarg, "1"),
            lambda text: messages.warning(self.request, text),
        )
        return paginator, page, page.object_list, page.has_other_pages()
