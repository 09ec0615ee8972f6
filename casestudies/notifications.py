"""E-mails of the editorial workflow: editors hear that a sheet awaits review, its author hears
that it was published or sent back (with the reviewer's comment). Sent after the transaction
commits; a failing relay never undoes an editorial decision."""

from django.db import transaction
from django.urls import reverse

from cooperations import mail


def _admin_url(case, request) -> str:
    return mail.absolute_url(reverse("admin:casestudies_casestudy_change", args=[case.pk]), request)


def submitted(cases, by, request) -> None:
    """Sheets submitted for review: one e-mail to the users who may publish."""
    cases = list(cases)
    recipients = [a for a in mail.editor_addresses() if a != (getattr(by, "email", "") or "")]
    if not cases or not recipients:
        return
    context = {
        "sheets": [(case, _admin_url(case, request)) for case in cases],
        "by": by,
        "queue_url": mail.absolute_url(reverse("admin:index"), request),
    }
    email = mail.message("casestudies/email/submitted.txt", context, recipients)
    transaction.on_commit(lambda: mail.send_quietly(email))


def decided(case, outcome: str, author, by, comment: str, request) -> None:
    """« publiee » or « renvoyee »: the author (the last person who saved the sheet before the
    decision) is told, unless they decided themselves or have no address."""
    address = getattr(author, "email", "") or ""
    if not address or author == by:
        return
    context = {
        "case": case,
        "outcome": outcome,
        "by": by,
        "comment": comment,
        "admin_url": _admin_url(case, request),
        "public_url": mail.absolute_url(case.get_absolute_url(), request),
    }
    email = mail.message("casestudies/email/decided.txt", context, [address])
    transaction.on_commit(lambda: mail.send_quietly(email))
