"""Abuse resistance of the public forms without any third-party service: a honeypot field that
people never see, a signed start time (a form sent faster than a person can fill it is refused),
and per-address limits counted on what was stored (rate_limited)."""

import time

from django import forms
from django.conf import settings
from django.core import signing
from django.utils.translation import gettext_lazy as _

HONEYPOT = "site_web"
STARTED = "debut"
SALT = "cooperations.antispam.started"
# Past this age (seconds), the start time is stale: the form is shown again, nothing is lost.
MAX_AGE = 2 * 24 * 3600


def start_token() -> str:
    return signing.dumps(int(time.time()), salt=SALT)


class HumanCheckForm(forms.Form):
    """Adds the honeypot and the start time to a form. A request with the honeypot filled is a
    robot's: views answer as if all went well and keep nothing."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[HONEYPOT] = forms.CharField(
            label=_("Ne pas remplir ce champ"), required=False, max_length=200
        )
        self.fields[STARTED] = forms.CharField(
            widget=forms.HiddenInput, required=False, max_length=200
        )
        self.initial[STARTED] = start_token()

    def clean(self):
        cleaned = super().clean()
        minimum = settings.PUBLIC_FORM_MIN_SECONDS
        try:
            started = signing.loads(self.data.get(STARTED) or "", salt=SALT, max_age=MAX_AGE)
        except signing.SignatureExpired:
            raise forms.ValidationError(
                _(
                    "Ce formulaire a été ouvert il y a trop longtemps : vérifiez-le et envoyez-le "
                    "de nouveau."
                ),
                code="stale",
            ) from None
        except signing.BadSignature:
            raise forms.ValidationError(
                _("Le formulaire n'a pas pu être vérifié : envoyez-le de nouveau."), code="forged"
            ) from None
        if not isinstance(started, int) or time.time() - started < minimum:
            raise forms.ValidationError(
                _("Le formulaire a été envoyé trop vite : relisez-le et envoyez-le de nouveau."),
                code="too_fast",
            )
        return cleaned

    def restart(self):
        """A fresh start time for the form shown again with its errors (what was typed stays)."""
        self.data = self.data.copy()
        self.data[STARTED] = start_token()


def refused(request, reason: str):
    """The light page of a refused post (HTTP 429): a flood costs no form, no vocabulary."""
    from django.shortcuts import render

    response = render(request, "refused.html", {"refusal": reason}, status=429)
    response["Retry-After"] = "3600"
    return response


def too_many_attempts(request, scope: str, limit: int) -> bool:
    """Every post of a public form counts, valid or not, per address and per hour (in the cache:
    shared by every server process when REDIS_URL is set). Past ``limit``: refuse with a 429."""
    from django.core.cache import cache

    from cooperations.client_address import client_fingerprint

    key = f"antispam:{scope}:{client_fingerprint(request)}"
    cache.add(key, 0, 3600)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, 3600)
        count = 1
    return count > limit
