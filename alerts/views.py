"""Alerts: subscribe from a selection (double opt-in), confirm, see and delete one's alerts,
unsubscribe in one request (RFC 8058 one-click, no login)."""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import FormView, TemplateView

from casestudies.models import CaseStudy
from cooperations import mail
from cooperations.antispam import HONEYPOT, refused, too_many_attempts
from cooperations.client_address import client_fingerprint

from . import selection
from .forms import AlertForm, ManageLinkForm
from .models import Alert

# A confirmation is not sent again for the same alert within this delay.
RESEND_AFTER = timedelta(minutes=5)


def refusal(request) -> str:
    """Why a new request is refused (HTTP 429), or « »: every post counts, per address and hour;
    alerts stored for the address in the hour count too (whatever the cache)."""
    limit = settings.ALERTS_PER_ADDRESS_PER_HOUR
    recent = Alert.objects.requested_since(1, client_fingerprint(request)).count()
    if recent >= limit or too_many_attempts(request, "alerts", limit):
        return _("Trop de demandes d'alertes depuis votre connexion : réessayez dans une heure.")
    return ""


def manage_link_email(email: str, request):
    return mail.message(
        "alerts/email/manage.txt",
        {"manage_url": mail.absolute_url(selection.manage_path(email), request)},
        [email],
    )


class PublicFormView(FormView):
    """A form of the public: refused past the rate limit (429), robots answered as people."""

    done = ""

    def post(self, request, *args, **kwargs):
        reason = refusal(request)
        if reason:
            return refused(request, reason)
        if request.POST.get(HONEYPOT):
            return redirect(self.done)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        form.restart()
        return super().form_invalid(form)


class AlertCreateView(PublicFormView):
    """/alertes/nouvelle/?<the list's parameters>: « Recevoir les nouvelles fiches par e-mail »."""

    template_name = "alerts/create.html"
    form_class = AlertForm
    done = "alerts:requested"

    def get_initial(self):
        return {"selection": selection.canonical(self.request.GET)}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        query = selection.canonical(QueryDict(form["selection"].value() or ""))
        context.update(
            selection=selection.describe(query, CaseStudy.objects.published()),
            list_url=selection.list_path(query),
        )
        return context

    def form_valid(self, form):
        query = form.cleaned_data["selection"]
        email, now = form.cleaned_data["email"], timezone.now()
        try:
            with transaction.atomic():
                alert, created = Alert.objects.get_or_create(
                    email=email,
                    query=query,
                    defaults={
                        "frequency": form.cleaned_data["frequency"],
                        "client_fingerprint": client_fingerprint(self.request),
                    },
                )
        except IntegrityError:  # the same request twice at once
            alert, created = Alert.objects.get(email=email, query=query), False
        if alert.confirmed_at is not None:
            # Already followed: the address's owner gets the link to their alerts, nothing else.
            mail.send_quietly(manage_link_email(email, self.request))
        elif created or alert.requested_at <= now - RESEND_AFTER:
            Alert.objects.filter(pk=alert.pk).update(
                requested_at=now,
                frequency=form.cleaned_data["frequency"],
                client_fingerprint=client_fingerprint(self.request),
            )
            context = {
                "alert": alert,
                "selection": selection.summary(query, CaseStudy.objects.published()),
                "confirm_url": mail.absolute_url(selection.confirm_path(alert), self.request),
                "days": settings.ALERT_CONFIRMATION_DAYS,
            }
            mail.send_quietly(mail.message("alerts/email/confirm.txt", context, [email]))
        return redirect(self.done)


class RequestedView(TemplateView):
    template_name = "alerts/requested.html"


class ConfirmView(TemplateView):
    """The link of the confirmation e-mail (signed, expiring) shows a button; the button
    confirms. A link alone confirms nothing: mail scanners follow links, people press buttons.
    Confirming twice is harmless."""

    template_name = "alerts/confirmed.html"

    def get(self, request, token):
        alert, problem = self.alert(token)
        if problem:
            return self.problem(problem)
        return self.render_to_response(self.context(alert, confirmed=alert.confirmed_at))

    def post(self, request, token):
        alert, problem = self.alert(token)
        if problem:
            return self.problem(problem)
        if alert.confirmed_at is None:
            now = timezone.now()
            Alert.objects.filter(pk=alert.pk, confirmed_at=None).update(
                confirmed_at=now, covered_until=now
            )
        return self.render_to_response(self.context(alert, confirmed=True))

    def alert(self, token):
        """(the alert, None), or (None, why the link cannot be used)."""
        try:
            pk, secret = selection.read_confirm_token(token, settings.ALERT_CONFIRMATION_DAYS)
        except signing.SignatureExpired:
            return None, _(
                "Ce lien de confirmation a expiré. Refaites la demande depuis la liste des fiches."
            )
        except signing.BadSignature:
            return None, _(
                "Ce lien de confirmation n'est pas valide. Copiez-le en entier depuis le courriel."
            )
        alert = Alert.objects.filter(pk=pk).first() if isinstance(pk, int) else None
        if alert is None or not str(alert.secret).startswith(str(secret)):
            return None, _(
                "Cette demande d'alerte n'existe plus. Refaites-la depuis la liste des fiches."
            )
        return alert, None

    def context(self, alert, confirmed):
        return self.get_context_data(
            alert=alert,
            confirmed=confirmed,
            selection=selection.summary(alert.query, CaseStudy.objects.published()),
            manage_url=selection.manage_path(alert.email),
        )

    def problem(self, text: str):
        return self.render_to_response(self.get_context_data(problem=text), status=400)


class ManageView(PublicFormView):
    """/alertes/: with the signed link of an e-mail, the address's alerts (each deletable);
    without it, a form that sends that link."""

    template_name = "alerts/manage.html"
    form_class = ManageLinkForm
    done = "alerts:link-sent"

    def get(self, request, *args, **kwargs):
        token = request.GET.get("jeton", "")
        if not token:
            return super().get(request, *args, **kwargs)
        try:
            owner = selection.read_manage_token(token[:1000])
        except signing.SignatureExpired:
            return self.problem(_("Ce lien a expiré : demandez-en un nouveau ci-dessous."))
        except signing.BadSignature:
            return self.problem(_("Ce lien n'est pas valide : demandez-en un nouveau ci-dessous."))
        published = CaseStudy.objects.published()
        alerts = [
            {
                "alert": alert,
                "selection": selection.summary(alert.query, published),
                "list_url": selection.list_path(alert.query),
                "unsubscribe_url": selection.unsubscribe_path(alert),
            }
            for alert in Alert.objects.filter(owner=owner).order_by("pk")
        ]
        email = alerts[0]["alert"].email if alerts else ""
        context = self.get_context_data(email=email, alerts=alerts, known=True)
        return self.render_to_response(context)

    def problem(self, text):
        return self.render_to_response(self.get_context_data(problem=text), status=400)

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        if Alert.objects.filter(email=email).exists():
            mail.send_quietly(manage_link_email(email, self.request))
        return redirect(self.done)  # the same answer either way: no address is revealed


class LinkSentView(TemplateView):
    template_name = "alerts/link_sent.html"


@method_decorator(csrf_exempt, name="dispatch")
class UnsubscribeView(TemplateView):
    """GET: a button; POST (the button, or a mail client's one-click): the alert is deleted with
    its address. No login, no CSRF token (mail clients post without one): the secret in the
    address is the key."""

    template_name = "alerts/unsubscribe.html"

    def alert(self, pk, secret):
        alert = Alert.objects.filter(pk=pk).first()
        if alert is not None and constant_time_compare(alert.secret, secret[:64]):
            return alert
        return None

    def get(self, request, pk, secret):
        alert = self.alert(pk, secret)
        context = {"alert": alert}
        if alert is not None:
            context["selection"] = selection.summary(alert.query, CaseStudy.objects.published())
        return self.render_to_response(self.get_context_data(**context))

    def post(self, request, pk, secret):
        alert = self.alert(pk, secret)
        if alert is not None:
            alert.delete()
        return self.render_to_response(self.get_context_data(deleted=True))
