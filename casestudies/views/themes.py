"""Themes (« thématiques »): the list with counts, and each theme's first sheets."""

from django.views.generic import DetailView, ListView

from casestudies import facet_index
from casestudies.filters import FACETS
from casestudies.models import CaseStudy, Theme
from casestudies.views.instruments import first_sheets


class ThemeListView(ListView):
    template_name = "casestudies/theme_list.html"
    context_object_name = "themes"

    def get_queryset(self):
        # A root theme counts the sheets of its sub-themes too, as its filter selects them.
        counts = facet_index.published_counts(["theme"])["theme"]
        themes = list(Theme.objects.order_by("position", "name"))
        for theme in themes:
            theme.case_count = counts.get(theme.slug, 0)
        return themes


class ThemeDetailView(DetailView):
    template_name = "casestudies/theme_detail.html"
    context_object_name = "theme"
    queryset = Theme.objects.select_related("parent").prefetch_related("children")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # A root theme shows the sheets of its sub-themes too, as the list filter does.
        cases = CaseStudy.objects.published().filter(FACETS["theme"].matching([self.object.slug]))
        context.update(first_sheets(cases, "theme", self.object.slug))
        return context
