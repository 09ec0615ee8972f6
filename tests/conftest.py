import pytest

from tests.factories import complete_case


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
