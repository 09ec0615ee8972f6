"""« Créer une fiche brouillon »: what a proposal holds that fits the sheet's own fields (title,
summary, years, themes, instrument, recognised partners, links) copied into a new draft sheet;
the editorial team completes it (sources, lessons by category) from the proposal."""

from django.db import transaction
from django.utils.translation import gettext as _

from casestudies import workflow
from casestudies.models import (
    CaseStudy,
    InstrumentUse,
    Organisation,
    Participation,
    PublicationStatus,
    Role,
    Territory,
)
from casestudies.slugs import free_slug

from .models import Proposal, ProposalKind, ProposalStatus


@transaction.atomic
def create_draft(proposal: Proposal, user) -> CaseStudy:
    """A draft sheet from a new-cooperation proposal; the proposal becomes « retenue »."""
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.kind != ProposalKind.NEW:
        raise ValueError(_("Une mise à jour se reporte dans la fiche existante."))
    if proposal.draft_id:
        return proposal.draft
    case = CaseStudy.objects.create(
        title=proposal.title,
        slug=free_slug(CaseStudy, proposal.title, "proposition"),
        summary=proposal.description,
        start_year=proposal.start_year,
        end_year=proposal.end_year,
        further_info="\n".join(f"- <{link}>" for link in proposal.link_list()),
        publication_status=PublicationStatus.DRAFT,
        updated_by=user,
    )
    case.themes.set(proposal.themes.all())
    if proposal.instrument_id:
        InstrumentUse.objects.create(case=case, instrument_id=proposal.instrument_id)
    for position, partner in enumerate(proposal.partners):
        territory = (
            partner.get("territory") and Territory.objects.filter(slug=partner["territory"]).first()
        )
        organisation = (
            partner.get("organisation")
            and Organisation.objects.filter(slug=partner["organisation"]).first()
        )
        if territory or organisation:
            Participation.objects.get_or_create(
                case=case,
                territory=territory or None,
                organisation=None if territory else organisation,
                role=Role.PARTENAIRE,
                defaults={"position": position},
            )
    # What worked and what stalled, the partners not recognised, the instrument typed freely
    # stay in the proposal (linked from the sheet's history): nothing unverified is copied
    # into a public section of the sheet.
    workflow.record_versions(
        [case], user, _("Créée à partir de la proposition n° %(n)s") % {"n": proposal.pk}
    )
    proposal.draft, proposal.status = case, ProposalStatus.ACCEPTED
    proposal.save(update_fields=["draft", "status", "updated_at"])
    return case
