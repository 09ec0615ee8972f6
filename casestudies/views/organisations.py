"""Organisation pages: what the organisation is, its sheets and its partners."""

from django.views.generic import DetailView

from casestudies.models import CaseStudy, Organisation
from casestudies.network import neighbourhood
from casestudies.notes import PageNotes
from casestudies.parties import ORGANISATION, Party, official_links


class OrganisationDetailView(DetailView):
    template_name = "casestudies/organisation_detail.html"
    context_object_name = "organisation"
    queryset = Organisation.objects.select_related("territory")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        organisation = self.object
        cases = CaseStudy.objects.published().involving_organisation(organisation)
        party = Party(
            ORGANISATION,
            organisation.pk,
            organisation.slug,
            organisation.name,
            organisation.kind,
            "",
        )
        context.update(
            cases=cases.for_cards(),
            neighbourhood=neighbourhood(party, cases),
            official_links=official_links(organisation.kind, organisation.name, organisation.siren),
            notes=PageNotes.for_page(),
        )
        return context
