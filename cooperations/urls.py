from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    # Language switcher (POST /i18n/setlang/); the addresses themselves stay in French.
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("casestudies.urls")),
]
