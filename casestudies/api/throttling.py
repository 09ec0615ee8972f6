from django.conf import settings
from rest_framework.throttling import AnonRateThrottle


class CatalogueAnonThrottle(AnonRateThrottle):
    """Anonymous clients share API_ANON_RATE requests per address (read when asked)."""

    def get_rate(self):
        return settings.API_ANON_RATE
