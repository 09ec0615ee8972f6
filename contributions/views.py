"""/contribuer/: the public proposal form, its thanks page; nothing is published directly."""

from django.conf import settings
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from casestudies.models import CaseStudy
from cooperations import mail
from cooperations.antispam import HONEYPOT, refused, too_many_attempts
from cooperations.client_address import client_fingerprint

from .forms import PARTNER_FIELDS, ProposalForm, known_parties
from .models import Proposal


def too_many(fingerprint: str) -> str:
    """The French reason a new proposal is refused (HTTP 429), or « » when it is welcome."""
    hourly = settings.CONTRIBUTIONS_PER_ADDRESS_PER_HOUR
    if Proposal.objects.received_since(1, fingerprint).count() >= hourly:
        return _(
            "Vous avez déjà envoyé %(n)s propositions dans l'heure : merci ! Pour en envoyer "
            "d'autres, revenez dans une heure."
        ) % {"n": hourly}
    if Proposal.objects.received_since(24).count() >= settings.CONTRIBUTIONS_PER_DAY:
        return _(
            "Le catalogue a reçu beaucoup de propositions aujourd'hui et n'en accepte plus "
            "jusqu'à demain. Revenez demain, votre proposition nous intéresse."
        )
    return ""


def notify(proposal: Proposal, request) -> None:
    """The acknowledgement to the contributor and the notification to the editors."""
    context = {
        "proposal": proposal,
        "admin_url": mail.absolute_url(
            reverse("admin:contributions_proposal_change", args=[proposal.pk]), request
        ),
        "case_url": mail.absolute_url(proposal.case.get_absolute_url(), request)
        if proposal.case
        else "",
    }
    mail.send_quietly(
        mail.message(
            "contributions/email/acknowledgement.txt", context, [proposal.contributor_email]
        )
    )
    editors = mail.editor_addresses()
    if editors:
        mail.send_quietly(mail.message("contributions/email/to_editors.txt", context, editors))


class ContributeView(FormView):
    template_name = "contributions/contribute.html"
    form_class = ProposalForm

    def dispatch(self, request, *args, **kwargs):
        slug = (request.POST or request.GET).get("fiche", "")[:200]
        wanted = slug and "\x00" not in slug  # PostgreSQL refuses NUL in a text parameter
        self.case = CaseStudy.objects.published().filter(slug=slug).first() if wanted else None
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "case": self.case}

    def post(self, request, *args, **kwargs):
        self.fingerprint = client_fingerprint(request)
        refusal = too_many(self.fingerprint)
        if not refusal and too_many_attempts(
            request, "contributions", settings.CONTRIBUTION_ATTEMPTS_PER_HOUR
        ):
            refusal = _("Trop d'envois depuis votre connexion : réessayez dans une heure.")
        if refusal:
            return refused(request, refusal)
        if request.POST.get(HONEYPOT):
            return redirect("contributions:thanks")  # a robot: as if accepted, nothing is kept
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        with transaction.atomic():
            proposal = form.save(fingerprint=self.fingerprint)
        notify(proposal, self.request)
        return redirect("contributions:thanks")

    def form_invalid(self, form):
        form.restart()
        return self.render_to_response(self.get_context_data(form=form))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        context.update(
            case=self.case,
            partner_fields=[form[name] for name in PARTNER_FIELDS],
            known_parties=known_parties(),
        )
        return context


class ThanksView(TemplateView):
    template_name = "contributions/thanks.html"
