"""What the content files said about each record when it was last loaded (see content.py)."""

from django.db import models


class LoadedContent(models.Model):
    """The base of the loader's three-way comparison: a field that still holds what the
    content said when it was loaded may receive the content's correction; a field that differs
    was changed by a person and is kept."""

    section = models.CharField(max_length=20)  # sources, territories, organisations…
    slug = models.SlugField(max_length=200)
    data = models.JSONField(default=dict)
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "contenu chargé"
        constraints = [
            models.UniqueConstraint(fields=["section", "slug"], name="loaded_content_unique")
        ]

    def __str__(self):
        return f"{self.section}/{self.slug}"
