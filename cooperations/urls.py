from django.conf import settings
from django.contrib import admin
from django.http import JsonResponse
from django.urls import include, path
from django.views import defaults

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    # Language switcher (POST /i18n/setlang/); the addresses themselves stay in French.
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("contributions.urls")),
    path("", include("alerts.urls")),
    path("", include("finder.urls")),
    path("", include("casestudies.urls")),
]


def page_not_found(request, exception):
    """A 404 in the API's own form under /api/ (its schema documents a JSON body); the site's
    page everywhere else."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Aucun objet publié à cette adresse."}, status=404)
    return defaults.page_not_found(request, exception)


handler404 = page_not_found
