from django import forms
from django.utils.translation import gettext_lazy as _

from cooperations.antispam import HumanCheckForm

from .models import Frequency


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


class ManageLinkForm(HumanCheckForm):
    email = forms.EmailField(
        label=_("Votre adresse électronique"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()
