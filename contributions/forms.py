"""The public proposal form: a new cooperation, or an update of an existing sheet."""

from django import forms
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from casestudies.models import FacetCount, Instrument, Organisation, Territory, Theme
from cooperations.antispam import HumanCheckForm

from .models import Proposal, ProposalKind

PARTNER_FIELDS = [f"partenaire_{n}" for n in range(1, 7)]
MAX_LINKS = 5
# Names offered as the partner fields are typed (a <datalist>, no script): the parties of the
# most published sheets.
SUGGESTED_PARTIES = 400


def known_parties() -> list[str]:
    """Names of the territories and organisations of published sheets, most sheets first."""
    names = []
    for facet, model in (("territory", Territory), ("organisation", Organisation)):
        slugs = list(
            FacetCount.objects.filter(facet=facet, sheets__gt=0)
            .order_by("-sheets", "value")
            .values_list("value", flat=True)[:SUGGESTED_PARTIES]
        )
        names += sorted(model.objects.filter(slug__in=slugs).values_list("name", flat=True))
    return list(dict.fromkeys(names))


def recognise(name: str) -> dict:
    """A typed partner name, with the territory or organisation of that exact name, if any."""
    territory = Territory.objects.filter(name__iexact=name).order_by("pk").first()
    if territory is not None:
        return {"name": name, "territory": territory.slug, "organisation": None}
    organisation = Organisation.objects.filter(name__iexact=name).order_by("pk").first()
    return {
        "name": name,
        "territory": None,
        "organisation": organisation.slug if organisation else None,
    }


class ProposalForm(HumanCheckForm, forms.ModelForm):
    class Meta:
        model = Proposal
        fields = [
            "title",
            "instrument",
            "instrument_other",
            "themes",
            "start_year",
            "end_year",
            "description",
            "successes",
            "obstacles",
            "links",
            "contributor_name",
            "contributor_organisation",
            "contributor_email",
        ]
        labels = {
            "title": _("Nom de la coopération"),
            "instrument": _("Outil de coopération mobilisé"),
            "instrument_other": _("Autre outil, ou précision"),
            "description": _("La coopération en quelques lignes : qui, quoi, depuis quand"),
            "successes": _("Ce qui a fonctionné"),
            "obstacles": _("Ce qui a freiné ou bloqué"),
            "links": _("Liens vers des documents publics (un par ligne, 5 au plus)"),
            "contributor_name": _("Votre nom"),
            "contributor_organisation": _("Votre organisme"),
            "contributor_email": _("Votre adresse électronique"),
        }
        help_texts = {
            "description": _(
                "5 000 caractères au plus. Le texte est lu par l'équipe éditoriale : "
                "rien n'est publié tel quel."
            ),
            "contributor_email": _(
                "Pour l'accusé de réception et les questions de l'équipe "
                "éditoriale ; elle n'est jamais publiée."
            ),
        }
        widgets = {
            "themes": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 6}),
            "successes": forms.Textarea(attrs={"rows": 4}),
            "obstacles": forms.Textarea(attrs={"rows": 4}),
            "links": forms.Textarea(attrs={"rows": 3}),
            "start_year": forms.NumberInput(attrs={"inputmode": "numeric"}),
            "end_year": forms.NumberInput(attrs={"inputmode": "numeric"}),
        }

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        self.fields["instrument"].queryset = Instrument.objects.order_by("position", "name")
        self.fields["instrument"].empty_label = _("Je ne sais pas, ou aucun")
        self.fields["themes"].queryset = Theme.objects.filter(parent=None).order_by(
            "position", "name"
        )
        for name in PARTNER_FIELDS:
            self.fields[name] = forms.CharField(
                label=_("Partenaire %(n)s") % {"n": name.rsplit("_", 1)[1]},
                required=False,
                max_length=200,
                widget=forms.TextInput(attrs={"list": "parties-connues", "autocomplete": "off"}),
            )
        self.fields["contributor_email"].widget.attrs["autocomplete"] = "email"
        self.fields["contributor_name"].widget.attrs["autocomplete"] = "name"
        self.fields["contributor_organisation"].widget.attrs["autocomplete"] = "organization"
        if case is not None:
            self.fields["title"].label = _("Coopération concernée")
            self.initial.setdefault("title", case.title)
            self.fields["description"].label = _("Ce qui a changé, ou ce qui est inexact")

    def clean_title(self):
        return " ".join(self.cleaned_data["title"].split())

    def clean_links(self):
        lines = [line.strip() for line in self.cleaned_data["links"].splitlines() if line.strip()]
        if len(lines) > MAX_LINKS:
            raise forms.ValidationError(
                _("Donnez au plus %(n)s liens.") % {"n": MAX_LINKS}, code="too_many"
            )
        check = URLValidator(schemes=["http", "https"])
        for line in lines:
            try:
                check(line)
            except forms.ValidationError:
                raise forms.ValidationError(
                    _("« %(link)s » n'est pas une adresse web (https://…).") % {"link": line[:80]},
                    code="invalid",
                ) from None
        return "\n".join(lines)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_year"), cleaned.get("end_year")
        if start and end and end < start:
            self.add_error("end_year", _("L'année de fin précède l'année de début."))
        return cleaned

    def partner_names(self) -> list[str]:
        names = [" ".join(self.cleaned_data.get(n, "").split()) for n in PARTNER_FIELDS]
        return list(dict.fromkeys(name for name in names if name))

    def save(self, commit=True, fingerprint=""):
        proposal = super().save(commit=False)
        proposal.partners = [recognise(name) for name in self.partner_names()]
        proposal.client_fingerprint = fingerprint
        if self.case is not None:
            proposal.kind, proposal.case = ProposalKind.UPDATE, self.case
        if commit:
            proposal.save()
            self.save_m2m()
        return proposal
