"""An address (slug) not yet taken, for records created from something else: a draft sheet from
a proposal, a territory from its official record."""

from django.utils.text import slugify


def free_slug(model, text: str, default: str, alternatives=()) -> str:
    """``slugify(text)``, else the first free of ``<slug>-<alternative>``, else ``<slug>-2``…"""
    base = slugify(text)[:180].strip("-") or default
    taken = set(model.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    candidates = [base, *(f"{base}-{alt}" for alt in alternatives)]
    for candidate in candidates:
        if candidate not in taken:
            return candidate
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"
