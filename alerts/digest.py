"""The digests of send_alerts: for each due alert, the published sheets of its selection that
were published or substantially updated since its previous digest.

Batching: the sheets changed since the oldest due digest are read once; each *distinct*
selection is one query of the list's FilterSet over them, whatever the number of alerts that
share it; the sheets shown are read once. E-mails go through one SMTP connection.

Idempotence: an alert's ``covered_until`` moves to the run's start just before its e-mail is
sent (its own conditional UPDATE, committed at once, back if the sending fails): running twice,
or two runs at once, send nothing twice, and a run that stops halfway leaves the alerts already
served as they are — the next run sends the others. A recipient the relay refuses is logged
and skipped; the others go on.
"""

import logging
import smtplib
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.mail import get_connection
from django.db.models import Q
from django.db.models.functions import Coalesce, Greatest
from django.http import QueryDict

from casestudies.models import CaseStudy
from cooperations import mail

from . import selection
from .models import Alert

logger = logging.getLogger(__name__)
# What the relay says of one recipient or one message; anything else stops the run.
REFUSED = (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError, smtplib.SMTPSenderRefused)


@dataclass
class Report:
    due: int = 0
    sent: int = 0
    nothing_new: int = 0
    expired_requests: int = 0
    selections: int = 0
    refused: int = 0
    stale: list[str] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)


def changed_sheets(since: datetime, now: datetime):
    """Published sheets first published, or substantially updated, in (since, now]."""
    return (
        CaseStudy.objects.published()
        .filter(
            Q(published_at__gt=since, published_at__lte=now)
            | Q(major_update_at__gt=since, major_update_at__lte=now)
        )
        .annotate(changed_at=Greatest("published_at", Coalesce("major_update_at", "published_at")))
    )


def digest_email(alert, sheets, summary: str, connection):
    headers = {
        "List-Unsubscribe": f"<{mail.absolute_url(selection.unsubscribe_path(alert))}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
    }
    context = {
        "alert": alert,
        "sheets": [
            {
                "sheet": sheet,
                "url": mail.absolute_url(sheet.get_absolute_url()),
                "updated": sheet.major_update_at is not None
                and sheet.published_at < sheet.major_update_at,
            }
            for sheet in sheets
        ],
        "selection": summary,
        "list_url": mail.absolute_url(selection.list_path(alert.query)),
        "manage_url": mail.absolute_url(selection.manage_path(alert.email)),
        "unsubscribe_url": mail.absolute_url(selection.unsubscribe_path(alert)),
    }
    return mail.message("alerts/email/digest.txt", context, [alert.email], headers, connection)


def send_digests(now: datetime, dry_run: bool = False) -> Report:
    report = Report()
    expired = Alert.objects.expired_requests(now, settings.ALERT_CONFIRMATION_DAYS)
    report.expired_requests = 0 if dry_run else expired.delete()[0]

    alerts = list(Alert.objects.due(now).order_by("pk"))
    report.due = len(alerts)
    if not alerts:
        return report
    since = min(alert.covered_until for alert in alerts)
    recent = changed_sheets(since, now)
    queries = sorted({alert.query for alert in alerts})
    report.selections = len(queries)
    # A selection whose values the catalogue no longer knows (a theme removed, a partner left
    # without published sheets) would be read as a wider one: it matches nothing instead.
    report.stale = [query for query in queries if selection.canonical(QueryDict(query)) != query]
    matches = {
        query: {}
        if query in report.stale
        else dict(selection.filterset(query, recent).qs.values_list("pk", "changed_at"))
        for query in queries
    }
    published = CaseStudy.objects.published()
    summaries = {query: selection.summary(query, published) for query in queries}
    changed = {pk: at for found in matches.values() for pk, at in found.items()}
    sheets = {}
    if changed:
        fields = ("title", "slug", "summary", "published_at", "major_update_at")
        for sheet in CaseStudy.objects.filter(pk__in=changed).only(*fields):
            sheet.changed_at = changed[sheet.pk]
            sheets[sheet.pk] = sheet

    quiet = []
    connection = None
    try:
        for alert in alerts:
            found = matches[alert.query]
            news = sorted(
                (sheets[pk] for pk, changed in found.items() if changed > alert.covered_until),
                key=lambda sheet: (-sheet.changed_at.timestamp(), sheet.title),
            )
            if not news:
                quiet.append(alert.pk)
                continue
            if dry_run:
                report.recipients.append(alert.email)
                continue
            # Claimed before it is sent, at once and on its own: another run at the same time
            # skips it, and a later failure never sends this digest again.
            claimed = Alert.objects.filter(pk=alert.pk, covered_until=alert.covered_until)
            if not claimed.update(covered_until=now):
                continue
            if connection is None:
                connection = get_connection()
                connection.open()
            try:
                digest_email(alert, news, summaries[alert.query], connection).send()
            except REFUSED as error:  # this address, not the relay: the others go on
                logger.warning("Résumé refusé pour l'alerte %s : %s", alert.pk, error)
                report.refused += 1
                continue
            except BaseException:
                Alert.objects.filter(pk=alert.pk).update(covered_until=alert.covered_until)
                raise
            report.sent += 1
            report.recipients.append(alert.email)
    finally:
        if connection is not None:
            connection.close()
        if quiet and not dry_run:
            Alert.objects.filter(pk__in=quiet).update(covered_until=now)
        report.nothing_new = len(quiet)
    return report
