"""Changes to a published sheet that wait for review (casestudies/models/pending.py).

Mechanism: the change is saved as usual — form, inlines, validation, a revision of the history
— and, in the same transaction, the sheet is put back to its published state (the revision
taken just before). The proposed state stays in the history as that revision; nothing of it
is ever committed to the live rows, so the public page, search, exports and API keep the
published text. Accepting reverts the sheet to the proposed revision (a new version of the
history); a preview applies it inside a transaction that is rolled back.
"""

from contextlib import contextmanager

import reversion
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from reversion.models import Version

from casestudies import indexing
from casestudies.events import sheets_changed
from casestudies.models import CaseStudy, PendingRevision, PendingStatus


def revert(version: Version, case_id: int) -> None:
    """The sheet and its lines as in ``version``'s revision. A revert saves rows « raw », which
    model signals leave alone: what derives from the sheet is refreshed here."""
    with indexing.deferred_refresh():
        version.revision.revert(delete=True)
        sheets_changed.send(sender=CaseStudy, ids=[case_id])


def baseline(case, user) -> Version:
    """A version of the sheet as published now, to come back to after the change."""
    with reversion.create_revision():
        reversion.set_user(user)
        reversion.set_comment(_("Version publiée, avant une modification à relire"))
        reversion.add_to_revision(CaseStudy.objects.get(pk=case.pk))
    return Version.objects.get_for_object(case).first()


def hold(case, base: Version, author) -> PendingRevision | None:
    """After the change is saved: keep it as a pending revision, put the published state back."""
    proposed = Version.objects.get_for_object(case).first()
    if proposed is None or proposed.pk == base.pk:
        return None
    revert(base, case.pk)
    return PendingRevision.objects.create(case=case, version=proposed, base=base, author=author)


@transaction.atomic
def accept(pending: PendingRevision, user) -> CaseStudy:
    revert(pending.version, pending.case_id)
    CaseStudy.objects.filter(pk=pending.case_id).update(version=F("version") + 1, updated_by=user)
    case = CaseStudy.objects.get(pk=pending.case_id)
    with reversion.create_revision():
        reversion.set_user(user)
        author = pending.author.get_username() if pending.author else "?"
        reversion.set_comment(_("Modification de %(author)s acceptée") % {"author": author})
        reversion.add_to_revision(case)
    decide(pending, user, PendingStatus.ACCEPTED, "")
    return case


def refuse(pending: PendingRevision, user, comment: str) -> None:
    decide(pending, user, PendingStatus.REFUSED, comment)


def decide(pending, user, status, comment):
    PendingRevision.objects.filter(pk=pending.pk).update(
        status=status, decided_by=user, decided_at=timezone.now(), comment=comment
    )


@contextmanager
def applied(pending: PendingRevision):
    """The sheet as the pending change would make it, for a preview: rolled back after."""
    with transaction.atomic():
        revert(pending.version, pending.case_id)
        yield CaseStudy.objects.get(pk=pending.case_id)
        transaction.set_rollback(True)
