"""Query strings bounded at the door, so that no parameter repetition multiplies work or output.

A URL may repeat a parameter hundreds of times (`?q=eau&q=eau&…`): every link of the page
would carry the whole query again and every filter would parse every copy. Before any view
runs, the public query string is reduced to what the catalogue can use:
- a parameter that takes one value (`q`, `sort`, `page`, `year_min`…) keeps its FIRST value;
- a parameter that takes several (the facets, partners and party kinds of /fiches/,
  `fiches` of /comparer/, `avec` and `theme` of /trouver/) keeps each distinct value once, at
  most ``MAX_VALUES`` of them — the pages bound silently, the API refuses more than
  ``MAX_VALUES`` values with a 400 (``request.too_many_values`` names those parameters);
- at most ``MAX_PARAMETERS`` distinct parameters are kept (unknown ones are still reported by
  the pages that report them, within that bound).
The administration is left alone: its list filters have their own parameters.
"""

from django.conf import settings
from django.http import QueryDict

MAX_VALUES = 25
MAX_PARAMETERS = 30


def multi_valued_parameters() -> frozenset[str]:
    from django_filters import MultipleChoiceFilter

    from casestudies.filters import CaseStudyFilterSet
    from casestudies.models.finder import QUESTIONS

    lists = {
        name
        for name, definition in CaseStudyFilterSet.base_filters.items()
        if isinstance(definition, MultipleChoiceFilter)
    }
    # /comparer/'s sheets, and the questions of /trouver/ that take several answers.
    finder = {name for name, question in QUESTIONS.items() if question.multiple}
    return frozenset(lists | finder | {"fiches"})


def too_many_values(query: QueryDict, multi_valued) -> list[str]:
    return [
        key
        for key, values in list(query.lists())[:MAX_PARAMETERS]
        if key in multi_valued and len(values) > MAX_VALUES
    ]


def bounded_query(query: QueryDict, multi_valued) -> QueryDict:
    bounded = QueryDict(mutable=True)
    for key, values in list(query.lists())[:MAX_PARAMETERS]:
        distinct = list(dict.fromkeys(values))
        bounded.setlist(key, distinct[:MAX_VALUES] if key in multi_valued else distinct[:1])
    bounded._mutable = False
    return bounded


class BoundedQueryMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.multi_valued = multi_valued_parameters()
        self.admin_prefix = "/" + settings.ADMIN_URL

    def __call__(self, request):
        request.too_many_values = []
        if request.GET and not request.path.startswith(self.admin_prefix):
            request.too_many_values = too_many_values(request.GET, self.multi_valued)
            request.GET = bounded_query(request.GET, self.multi_valued)
            # get_full_path() (the language switcher's « next », canonical links) reads it.
            request.META["QUERY_STRING"] = request.GET.urlencode()
        return self.get_response(request)
