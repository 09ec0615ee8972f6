"""The finder's questionnaire: a GET form (a shareable address), usable without JavaScript."""

from django import forms
from django.utils.translation import gettext_lazy as _

from casestudies.filters import LenientMultipleChoiceField
from casestudies.models import Theme
from casestudies.models.finder import QUESTIONS

NOT_SAID = ("", _("indifférent"))


class AnswersField(LenientMultipleChoiceField):
    """The list's lenient field (unknown values kept aside, reported); ``accepted``: values
    understood beyond the choices shown (a sub-theme: its theme's)."""

    accepted: dict | None = None

    def valid_value(self, value):
        return value in (self.accepted or {}) or super().valid_value(value)


class FinderForm(forms.Form):
    territoire = forms.CharField(
        label=_("Notre territoire"),
        required=False,
        max_length=120,
        help_text=_(
            "Une commune, un EPCI, un département ou une région : son nom ou son code officiel "
            "(INSEE, SIREN). Facultatif."
        ),
    )
    nous = forms.ChoiceField(label=_("Ou bien : nous sommes"), required=False)
    avec = AnswersField(label=_("Avec qui ?"), required=False, widget=forms.CheckboxSelectMultiple)
    distance = forms.ChoiceField(label=_("Nos partenaires sont"), required=False)
    theme = AnswersField(label=_("Sur quoi ?"), required=False, widget=forms.CheckboxSelectMultiple)
    forme = forms.ChoiceField(label=_("Quelle coopération cherchez-vous ?"), required=False)
    personnalite = forms.ChoiceField(label=_("Faut-il une personne morale ?"), required=False)
    budget = forms.ChoiceField(label=_("Faut-il un budget commun ?"), required=False)
    personnel = forms.ChoiceField(label=_("Faut-il du personnel commun ?"), required=False)
    prives = forms.ChoiceField(
        label=_("Des partenaires privés en font-ils partie ?"), required=False
    )
    duree = forms.ChoiceField(label=_("Pour quelle durée ?"), required=False)

    RADIOS = ("distance", "forme", "personnalite", "budget", "personnel", "prives", "duree")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, question in QUESTIONS.items():
            if name == "theme":
                themes = list(Theme.objects.values_list("slug", "name", "parent__slug"))
                choices = [(slug, label) for slug, label, parent in themes if parent is None]
                # The list's sub-themes are understood too, as their theme.
                self.fields[name].accepted = {slug: parent for slug, _l, parent in themes if parent}
            else:
                choices = list(question.answers.items())
            field = self.fields[name]
            if question.multiple:
                field.choices = choices
            elif name in self.RADIOS:
                field.choices = [NOT_SAID, *choices]
                field.widget = forms.RadioSelect(choices=field.choices)
            else:
                field.choices = [("", _("— choisir —")), *choices]
        self.initial.update(dict.fromkeys(self.RADIOS, ""))

    def answers(self) -> dict:
        """Question → set of the values given (an invalid one is left out and reported)."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        answers = {
            name: set(cleaned.get(name) or ())
            if QUESTIONS[name].multiple
            else ({cleaned[name]} if cleaned.get(name) else set())
            for name in QUESTIONS
        }
        parents = self.fields["theme"].accepted or {}
        answers["theme"] |= {parents[slug] for slug in answers["theme"] if slug in parents}
        return answers

    def ignored(self) -> list[str]:
        problems = []
        for field in self.fields.values():
            rejected = getattr(field, "rejected", None)
            if rejected:
                problems.append(
                    _("Ignoré — valeur inconnue pour « %(q)s » : %(v)s.")
                    % {"q": field.label, "v": ", ".join(v[:60] for v in rejected)}
                )
        for name in self.errors:
            if name in self.fields:
                problems.append(
                    _("Ignoré — valeur inconnue pour « %(q)s ».") % {"q": self.fields[name].label}
                )
        return problems
