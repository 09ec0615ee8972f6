"""Lessons across cases (« enseignements »), grouped by the eight categories."""

from django import forms
from django.contrib import messages
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView

from casestudies.filters import FACETS, unknown_parameters
from casestudies.models import (
    CaseStudy,
    Lesson,
    LessonCategory,
    LessonKind,
    PublicationStatus,
    Theme,
)
from casestudies.pagination import GroupedPaginator, TolerantPageMixin, page_links


class LessonFilterForm(forms.Form):
    categorie = forms.ModelChoiceField(
        label=_("Catégorie"),
        queryset=LessonCategory.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("Toutes les catégories"),
    )
    theme = forms.ModelChoiceField(
        label=_("Thématique"),
        queryset=Theme.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("Toutes les thématiques"),
    )
    nature = forms.ChoiceField(
        label=_("Nature"),
        choices=[("", _("Réussites et freins")), *LessonKind.choices],
        required=False,
    )


class LessonListView(TolerantPageMixin, ListView):
    template_name = "casestudies/lesson_list.html"
    context_object_name = "lessons"
    paginate_by = 50  # a national catalogue holds hundreds of thousands of lessons

    def get_paginator(self, queryset, per_page, **kwargs):
        # By category, then kind (réussites before freins), then sheet title.
        groups = (
            queryset.values("category_id", "kind")
            .annotate(size=Count("pk"))
            .order_by("category__number", "kind")
        )
        return GroupedPaginator(
            queryset,
            per_page,
            groups=[
                ({"category_id": g["category_id"], "kind": g["kind"]}, g["size"]) for g in groups
            ],
            within=["case__title", "case_id", "position", "pk"],
        )

    def get_queryset(self):
        self.form = LessonFilterForm(self.request.GET)
        unknown = unknown_parameters(self.request.GET, {*self.form.fields, self.page_kwarg})
        if unknown:
            messages.warning(self.request, unknown)
        lessons = Lesson.objects.select_related("category", "case").filter(
            case__publication_status=PublicationStatus.PUBLISHED
        )
        if not self.form.is_valid():
            for name in self.form.errors:
                label = self.form.fields[name].label
                messages.warning(
                    self.request,
                    _("Filtre « %(filter)s » ignoré : valeur inconnue.") % {"filter": label},
                )
        data = self.form.cleaned_data  # the valid fields only
        if data.get("categorie"):
            lessons = lessons.filter(category=data["categorie"])
        if data.get("theme"):
            cases = CaseStudy.objects.filter(FACETS["theme"].matching([data["theme"].slug]))
            lessons = lessons.filter(case__in=cases.values("pk"))
        if data.get("nature"):
            lessons = lessons.filter(kind=data["nature"])
        return lessons.order_by()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = self.form
        context["page_range"] = page_links(context["page_obj"])
        return context
