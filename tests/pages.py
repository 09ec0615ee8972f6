"""Reading what a page shows: its template context, and every public address of the site."""


def listed_cases(response) -> list[tuple[str, str]]:
    """(slug, title) of each sheet of a list page, in page order."""
    assert response.status_code == 200, response.status_code
    return [(case.slug, case.title) for case in response.context["cases"]]


def public_urls(catalogue) -> list[str]:
    """Every public address of the site, one per route, with the mixed catalogue's slugs:
    walks the URL configuration, so that a page added later is covered without being listed."""
    from django.urls import URLPattern, URLResolver, get_resolver, reverse

    slugs = {
        "case": catalogue.full.slug,
        "territory": catalogue.territory.slug,
        "instrument": catalogue.instrument.slug,
        "theme": catalogue.theme.slug,
        "source": catalogue.source.slug,
        "organisation": catalogue.organisation.slug,
    }
    urls = []

    def walk(patterns, namespace):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                if entry.app_name == "admin" or "i18n" in str(entry.pattern):
                    continue
                walk(entry.url_patterns, entry.namespace or namespace)
            elif isinstance(entry, URLPattern) and entry.name and answers_get(entry):
                name = f"{namespace}:{entry.name}" if namespace else entry.name
                keys = set(entry.pattern.regex.groupindex)
                if "format" in keys:
                    continue  # DRF's format suffix variants
                if keys & {"token", "secret"}:
                    continue  # an alert's personal links (tests/test_alerts.py covers them)
                kwargs = {}
                if "chart" in keys:  # /statistiques/<chart>.csv
                    kwargs = {"chart": "par-thematique"}
                elif "extension" in keys:  # /reseau/export.<csv|graphml|gexf>
                    for extension in ("csv", "graphml", "gexf"):
                        urls.append(reverse(name, kwargs={"extension": extension}))
                    continue
                elif "name" in keys:  # /donnees/<table>.csv
                    from casestudies.opendata import TABLES

                    for table in TABLES:
                        urls.append(reverse(name, kwargs={"name": table.name}))
                    continue
                elif keys & {"slug", "pk"}:
                    family = next((f for f in slugs if f in entry.name), "case")
                    kwargs = dict.fromkeys(keys, slugs[family])
                urls.append(reverse(name, kwargs=kwargs))

    walk(get_resolver().url_patterns, "")
    return sorted(set(urls))


def answers_get(pattern) -> bool:
    """False for the routes that only accept POST (the comparison selection)."""
    view = getattr(pattern.callback, "view_class", None)
    return view is None or "get" in getattr(view, "http_method_names", ["get"])
