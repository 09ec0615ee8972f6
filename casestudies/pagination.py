"""Pages of a selection (sheets: list page and API; lessons), with one rule for page numbers."""

from django.contrib import messages
from django.core.paginator import EmptyPage, Paginator
from django.http import Http404
from django.utils.functional import cached_property
from django.utils.translation import gettext as _


class TolerantPaginator(Paginator):
    """Django's paginator, with the catalogue's rule for a page number read from a URL."""

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


class GroupedPaginator(TolerantPaginator):
    """Pages of a list ordered first by a few groups (the lessons: by category, then kind), read
    group by group: each group's part of a page is one query ordered within the group, which
    an index can serve without sorting the whole list (200,000 lessons were sorted for every
    page). ``groups`` are the list's (filter, size) in display order; ``within`` the order
    inside a group."""

    def __init__(self, object_list, per_page, groups, within):
        super().__init__(object_list, per_page)
        self.groups, self.within = groups, within

    def _check_object_list_is_ordered(self):
        pass  # (each group's part is ordered: the list as a whole needs no order)

    @cached_property
    def count(self):
        return sum(size for _filter, size in self.groups)

    def page(self, number):
        number = self.validate_number(number)
        start, stop = (number - 1) * self.per_page, number * self.per_page
        rows, seen = [], 0
        for lookup, size in self.groups:
            if seen < stop and seen + size > start:
                part = self.object_list.filter(**lookup).order_by(*self.within)
                rows += list(part[max(0, start - seen) : min(size, stop - seen)])
            seen += size
        return self._get_page(rows, number, self)


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
