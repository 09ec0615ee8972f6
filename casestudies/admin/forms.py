"""The sheet's change form: publication choices by role, and the no-lost-update check."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.utils import formats
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from casestudies import workflow
from casestudies.models import CaseStudy


class CaseStudyAdminForm(forms.ModelForm):
    # The version the editor started from, sent back with the form.
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # Sent to the author with a decision (published, sent back), and kept in the history.
    review_comment = forms.CharField(
        label=_("Commentaire de relecture"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Pour « Renvoyer en brouillon » ou « Publier » : dit à l'auteur ce qu'il faut "
            "reprendre ou ce qui a été décidé ; gardé dans l'historique."
        ),
    )

    user = None  # set by CaseStudyAdmin.get_form

    class Meta:
        model = CaseStudy
        fields = "__all__"  # noqa: DJ007 - the ModelAdmin's fieldsets choose the real fields

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.stored_status()
        if "publication_status" in self.fields:
            # The workflow's buttons change it (submit_line.html), not a drop-down; whatever is
            # posted, clean() checks the transition for this user.
            field = self.fields["publication_status"]
            field.widget = forms.HiddenInput()
            if current is None:
                field.initial = workflow.DRAFT
        # The version stored now, not the one of the instance shown (a revert shows an old one).
        self.fields["loaded_version"].initial = self.stored_version()

    @cached_property
    def stored(self):
        """The sheet as saved when the form was built (one query per form)."""
        if not self.instance.pk:
            return None
        return (
            CaseStudy.objects.filter(pk=self.instance.pk)
            .values(
                "publication_status", "version", "updated_at", "updated_by", "updated_by__username"
            )
            .first()
        )

    def stored_status(self):
        return self.stored["publication_status"] if self.stored else None

    def stored_version(self):
        return self.stored["version"] if self.stored else None

    def clean(self):
        cleaned = super().clean()
        if "publication_status" in cleaned:
            try:
                workflow.check_transition(
                    self.user, self.stored_status(), cleaned["publication_status"]
                )
            except PermissionDenied as error:
                # A form error, not a field error: the status is a hidden field.
                raise forms.ValidationError(str(error), code="transition") from None
        if self.instance.pk:
            # Lock the row until the admin's transaction ends, so two saves cannot cross.
            stored = (
                CaseStudy.objects.select_for_update(of=("self",))
                .filter(pk=self.instance.pk)
                .values("version", "updated_at", "updated_by__username")
                .first()
            )
            loaded = cleaned.get("loaded_version")
            if loaded is None:
                # Without the version the editor started from, a stale save could silently
                # overwrite someone else's change: refuse rather than guess.
                raise forms.ValidationError(
                    _(
                        "Ce formulaire ne dit pas de quelle version de la fiche il part. Vos "
                        "changements n'ont pas été enregistrés : ouvrez la fiche à nouveau, puis "
                        "refaites vos modifications."
                    ),
                    code="no_version",
                )
            if stored and loaded != stored["version"]:
                raise forms.ValidationError(
                    _(
                        "Cette fiche a été modifiée par %(who)s le %(when)s pendant que vous "
                        "l'éditiez. Vos changements n'ont pas été enregistrés : ouvrez la fiche "
                        "à nouveau pour voir sa dernière version, puis refaites vos modifications."
                    )
                    % {
                        "who": stored["updated_by__username"] or _("quelqu'un d'autre"),
                        "when": formats.date_format(stored["updated_at"], "DATETIME_FORMAT"),
                    },
                    code="stale",
                )
        return cleaned
