"""Publication workflow: brouillon → à relire → publié, and back to brouillon.

Every path that changes a sheet's publication status (change form, admin actions, any future
API) asks ``check_transition``; publishing and unpublishing need the ``publish_casestudy``
permission, which only the « Éditeur » group holds.
"""

import reversion
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from casestudies.models import PublicationStatus

DRAFT = PublicationStatus.DRAFT
IN_REVIEW = PublicationStatus.IN_REVIEW
PUBLISHED = PublicationStatus.PUBLISHED

PUBLISH_PERMISSION = "casestudies.publish_casestudy"

# Allowed moves, from each status (a new sheet starts as a draft or in review).
TRANSITIONS = {
    None: {DRAFT, IN_REVIEW},
    DRAFT: {IN_REVIEW},
    IN_REVIEW: {DRAFT, PUBLISHED},
    PUBLISHED: {DRAFT},
}


def can_publish(user) -> bool:
    return user.has_perm(PUBLISH_PERMISSION)


def needs_publish_permission(current, new) -> bool:
    return PUBLISHED in {current, new} and current != new


def allowed_statuses(user, current) -> list[str]:
    """The statuses the user may choose for a sheet currently in ``current`` (None: new)."""
    targets = {
        new
        for new in TRANSITIONS[current]
        if can_publish(user) or not needs_publish_permission(current, new)
    }
    if current is not None:
        targets.add(current)
    return [status for status in PublicationStatus.values if status in targets]


def check_transition(user, current, new) -> None:
    """Raise PermissionDenied with a French reason unless the user may move the sheet."""
    if current == new:
        return
    if new not in TRANSITIONS[current]:
        if new == PUBLISHED:
            raise PermissionDenied(
                _("Une fiche doit passer par « À relire » avant d'être publiée.")
            )
        raise PermissionDenied(_("Ce changement de statut n'est pas prévu."))
    if needs_publish_permission(current, new) and not can_publish(user):
        raise PermissionDenied(_("Seul un éditeur peut publier ou dépublier une fiche."))


def record_versions(cases, user=None, comment: str = "") -> None:
    """Add a version of each sheet (with its lines) to the history, as the change form does:
    bulk actions and content loads change sheets without going through the form."""
    with reversion.create_revision():
        if user is not None:
            reversion.set_user(user)
        reversion.set_comment(comment)
        for case in cases:
            reversion.add_to_revision(case)
