"""The external links of the published sheets, as ``check_links`` last found them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LinkCheck(models.Model):
    url = models.URLField(_("adresse"), max_length=2000, unique=True)
    cases = models.ManyToManyField(
        "casestudies.CaseStudy", related_name="link_checks", verbose_name=_("fiches")
    )
    ok = models.BooleanField(_("fonctionne"), default=False, db_index=True)
    status = models.PositiveSmallIntegerField(_("code HTTP"), null=True, blank=True)
    error = models.CharField(_("erreur"), max_length=300, blank=True)
    final_url = models.URLField(_("adresse finale"), max_length=2000, blank=True)
    checked_at = models.DateTimeField(_("vérifié le"), null=True, blank=True)

    class Meta:
        verbose_name = _("lien vérifié")
        verbose_name_plural = _("liens vérifiés")
        ordering = ["ok", "url"]

    def __str__(self):
        return self.url
