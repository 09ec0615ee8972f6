from django.conf import settings
from rest_framework.throttling import AnonRateThrottle

from cooperations.client_address import client_address


class CatalogueAnonThrottle(AnonRateThrottle):
    """Anonymous clients share API_ANON_RATE requests per address (read when asked), the address
    being the one the trusted proxies saw (never a forged ``X-Forwarded-For``)."""

    def get_rate(self):
        return settings.API_ANON_RATE

    def get_ident(self, request):
        return client_address(request)
