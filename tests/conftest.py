import pytest
from django.core.cache import cache

from tests.factories import complete_case


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test rolls its data back, and with it the catalogue generation that keys cached
    counts: start every test from an empty cache so no count leaks from one test to another."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_superuser(
        username="redaction", email="redaction@example.org", password="un-mot-de-passe-solide"
    )
    client.force_login(user)
    return client


@pytest.fixture
def case(db):
    return complete_case(title="PETR d'essai – Parc d'essai : projet alimentaire")


from tests.mailserver import smtp  # noqa: E402, F401  (the local SMTP server fixture)
