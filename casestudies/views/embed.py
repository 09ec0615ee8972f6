"""The list a partner site can frame (/integrer/fiches/?<list parameters>) and the page that
writes its <iframe> code (/integrer/). Only the framed list opens framing (CSP
frame-ancestors, X-Frame-Options); every other page keeps refusing it."""

from collections.abc import Callable
from dataclasses import dataclass

from csp.constants import SELF
from csp.decorators import csp_replace
from django.conf import settings
from django.http import QueryDict
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.generic import TemplateView

from casestudies.filters import CaseStudyFilterSet, carried_query
from casestudies.models import CaseStudy

DEFAULT_COUNT, MAX_COUNT = 10, 50


def count_of(raw) -> int:
    """« nombre »: how many sheets the frame lists (10 by default, 50 at most)."""
    return min(int(raw), MAX_COUNT) if raw and raw.isdigit() and int(raw) > 0 else DEFAULT_COUNT


@dataclass(frozen=True)
class Embed:
    """The selection a partner frames, its addresses and its <iframe> code."""

    params: QueryDict  # the list's parameters, « nombre » included
    absolute: Callable[[str], str]

    @property
    def frame_url(self) -> str:
        return self.absolute(reverse("casestudies:embed-list") + carried_query(self.params))

    @property
    def list_url(self) -> str:
        list_url = reverse("casestudies:case-list") + carried_query(self.params, "nombre")
        return self.absolute(list_url)

    @property
    def code(self) -> str:
        return (
            f'<iframe src="{self.frame_url}" title="Fiches du catalogue des coopérations '
            'territoriales" loading="lazy" '
            'style="width:100%;height:640px;border:1px solid #cfd6db"></iframe>'
        )


def embed_of(request) -> Embed:
    return Embed(request.GET, request.build_absolute_uri)


@method_decorator(xframe_options_exempt, name="dispatch")
@method_decorator(
    csp_replace({"frame-ancestors": [SELF, *settings.EMBED_FRAME_ANCESTORS]}), name="dispatch"
)
class EmbedListView(TemplateView):
    """A compact list of the selection, for a frame on a partner's site."""

    template_name = "casestudies/embed_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = CaseStudyFilterSet(self.request.GET, queryset=CaseStudy.objects.published())
        selection = filterset.qs
        count = count_of(self.request.GET.get("nombre"))
        context["cases"] = selection.for_cards()[:count]
        context["total"] = selection.count()
        context["embed"] = embed_of(self.request)
        return context


class EmbedCodeView(TemplateView):
    """/integrer/: the <iframe> code of the current selection, with a preview."""

    template_name = "casestudies/embed_code.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["embed"] = embed_of(self.request)
        context["count"] = count_of(self.request.GET.get("nombre"))
        return context
