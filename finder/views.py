"""/trouver/ : « Quel outil pour notre coopération ? » — the questionnaire and its answer on one
page, reproduced by its address (a GET form)."""

from django.contrib import messages
from django.urls import reverse
from django.views.generic import TemplateView

from .engine import advise
from .forms import FinderForm
from .places import find


def read(query):
    """(form, advice) for the parameters ``query``: one reading for the page and the API."""
    form = FinderForm(query or None)
    answers = form.answers()
    place = find(form.cleaned_data.get("territoire", "") if hasattr(form, "cleaned_data") else "")
    return form, advise(answers, place)


class FinderView(TemplateView):
    template_name = "finder/find.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form, advice = read(self.request.GET)
        for text in form.ignored():
            messages.warning(self.request, text)
        context.update(
            form=form,
            advice=advice,
            list_url=reverse("casestudies:case-list") + "?" + advice.list_query,
            api_url=reverse("finder:api") + "?" + self.request.GET.urlencode(),
        )
        return context
