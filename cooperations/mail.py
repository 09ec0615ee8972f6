"""E-mail as the catalogue sends it: plain text, in French, through Django's configured backend
(SMTP in production, the console in development; settings.py)."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)


def absolute_url(path: str, request=None) -> str:
    """``path`` on the site's public address: SITE_URL, else the request's own."""
    if settings.SITE_URL:
        return settings.SITE_URL + path
    if request is not None:
        return request.build_absolute_uri(path)
    raise RuntimeError("SITE_URL doit être défini pour écrire les liens des courriels.")


def one_line(text: str, limit: int = 150) -> str:
    """Text fit for a subject line: one line (a line break there would be a header injection)."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def message(template: str, context: dict, to: list[str], headers=None, connection=None):
    """An EmailMessage whose first line of ``template`` (a .txt template) is the subject."""
    with translation.override(settings.LANGUAGE_CODE):
        subject, _, body = render_to_string(template, context).strip().partition("\n")
    return EmailMessage(
        subject=one_line(subject),
        body=body.strip() + "\n",
        to=to,
        headers=headers or {},
        connection=connection,
    )


def send_quietly(email: EmailMessage) -> bool:
    """Send, logging rather than failing: what the visitor did is already saved."""
    try:
        email.send()
    except Exception:
        logger.exception("Courriel non envoyé : %s", email.subject)
        return False
    return True


def editor_addresses() -> list[str]:
    """Active users allowed to publish sheets, and EDITORS_EMAIL: who hears of contributions."""
    users = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(is_superuser=True)
            | Q(groups__permissions__codename="publish_casestudy")
            | Q(user_permissions__codename="publish_casestudy")
        )
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )
    return sorted(set(users) | set(settings.EDITORS_EMAIL))
