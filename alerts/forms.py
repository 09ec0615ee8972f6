from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from cooperations.antispam import HumanCheckForm

from . import selection
from .models import Alert, Frequency


class AlertForm(HumanCheckForm):
    email = forms.EmailField(
        label=_("Votre adresse électronique"),
        max_length=254,
        help_text=_("Elle ne sert qu'à ces envois ; elle est effacée quand vous vous désabonnez."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    frequency = forms.ChoiceField(
        label=_("Fréquence"),
        choices=Frequency.choices,
        initial=Frequency.WEEKLY,
        widget=forms.RadioSelect,
    )
    selection = forms.CharField(widget=forms.HiddenInput, required=False, max_length=2000)

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean_selection(self):
        query = selection.canonical(QueryDict(self.cleaned_data["selection"]))
        if len(query) > Alert._meta.get_field("query").max_length:
            raise forms.ValidationError(
                _("Cette sélection est trop longue pour une alerte : retirez quelques filtres."),
                code="too_long",
            )
        return query


class ManageLinkForm(HumanCheckForm):
    email = forms.EmailField(
        label=_("Votre adresse électronique"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()
