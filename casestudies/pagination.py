"""Pages of a selection (sheets: list page and API; lessons), with one rule for page numbers."""

from django.contrib import messages
from django.core.paginator import EmptyPage, Paginator
from django.http import Http404
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
