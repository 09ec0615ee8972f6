"""E-mail alerts: double opt-in, digests of the list's own selection, one-click unsubscribe."""

import re
from datetime import timedelta
from io import StringIO
from unittest import mock
from urllib.parse import unquote

import pytest
from django.core import signing
from django.core.mail import EmailMessage
from django.core.management import call_command
from django.db import connection
from django.http import QueryDict
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alerts import selection
from alerts.digest import send_digests
from alerts.models import Alert, Frequency
from casestudies.models import CaseStudy
from cooperations.antispam import start_token
from tests.factories import CaseStudyFactory, ThemeFactory

pytestmark = pytest.mark.django_db

CREATE = reverse("alerts:create")


@pytest.fixture(autouse=True)
def no_wait(settings):
    settings.PUBLIC_FORM_MIN_SECONDS = 0


@pytest.fixture
def themes():
    water, food = ThemeFactory(name="Eau d'essai"), ThemeFactory(name="Alimentation d'essai")
    # Published sheets, so that the list knows the themes (facet values of published sheets).
    long_ago = timezone.now() - timedelta(days=60)
    CaseStudyFactory(title="Une fiche sur l'eau", themes=[water], published_at=long_ago)
    CaseStudyFactory(title="Une fiche sur l'alimentation", themes=[food], published_at=long_ago)
    return water, food


def subscribe(client, query, email="lea@exemple.org", frequency=Frequency.WEEKLY):
    return client.post(
        CREATE,
        {"debut": start_token(), "email": email, "frequency": frequency, "selection": query},
    )


def links_in(text: str) -> list[str]:
    return re.findall(r"https://catalogue\.test(\S+)", text)


def confirmed_alert(query, email="lea@exemple.org", frequency=Frequency.WEEKLY, at=None):
    at = at or timezone.now() - timedelta(days=10)
    return Alert.objects.create(
        email=email, query=query, frequency=frequency, confirmed_at=at, covered_until=at
    )


# -- subscribing ----------------------------------------------------------------------------------
def test_the_list_offers_an_alert_on_its_own_selection(client, themes):
    water, _ = themes
    page = client.get(reverse("casestudies:case-list"), {"theme": water.slug, "page": "1"})
    assert f'{CREATE}?theme={water.slug}"' in page.content.decode()
    form = client.get(CREATE, {"theme": water.slug, "sort": "titre", "page": "3", "x": "1"})
    assert form.status_code == 200
    assert form.context["form"]["selection"].value() == f"theme={water.slug}"
    assert form.context["selection"] == [f"Thématique : {water.name}"]


def test_a_selection_keeps_what_the_list_understands_and_stays_bounded(client, themes):
    water, _ = themes
    form = client.get(CREATE, {"theme": ["inconnue", water.slug, water.slug], "q": "  eau  "})
    assert form.context["form"]["selection"].value() == f"q=eau&theme={water.slug}"
    # Unknown values are dropped before saving, a NUL byte included (never sent to PostgreSQL).
    assert subscribe(client, f"theme=inconnue&territory=%00&theme={water.slug}").status_code == 302
    assert Alert.objects.get().query == f"theme={water.slug}"
    assert client.get(CREATE, {"territory": "\x00"}).status_code == 200
    # Encoded, a selection grows (« é » is six characters): past the column, a clear refusal.
    accents = f"q={'é' * 150}&theme={water.slug}"
    assert len(selection.canonical(QueryDict(accents))) > 900 > len(accents)
    with mock.patch.object(Alert._meta.get_field("query"), "max_length", 500):
        response = subscribe(client, accents, email="longue@exemple.org")
    assert response.status_code == 200
    assert "trop longue" in str(response.context["form"].errors["selection"])
    assert not Alert.objects.filter(email="longue@exemple.org").exists()


def test_double_opt_in_through_a_real_smtp_server(client, themes, smtp):
    water, _ = themes
    response = subscribe(client, f"theme={water.slug}")
    assert response.status_code == 302 and response.url == reverse("alerts:requested")
    alert = Alert.objects.get()
    assert alert.confirmed_at is None and alert.query == f"theme={water.slug}"

    [message] = smtp.to("lea@exemple.org")
    assert "Confirmez" in message["Subject"]
    body = smtp.body(message)
    assert f"Thématique : {water.name}" in body
    [confirm] = [link for link in links_in(body) if "/confirmer/" in link]
    # Following the link (as a mail scanner does) shows a button and confirms nothing.
    page = client.get(confirm)
    assert page.status_code == 200 and "Confirmer l'alerte" in page.content.decode()
    alert.refresh_from_db()
    assert alert.confirmed_at is None
    page = client.post(confirm)
    assert page.status_code == 200 and "Alerte confirmée" in page.content.decode()
    alert.refresh_from_db()
    assert alert.confirmed_at is not None and alert.covered_until == alert.confirmed_at
    # Confirming again changes nothing.
    first = alert.confirmed_at
    assert client.post(confirm).status_code == 200
    alert.refresh_from_db()
    assert alert.confirmed_at == first


def test_an_expired_or_tampered_confirmation_link_confirms_nothing(client, themes, settings):
    alert = Alert.objects.create(email="lea@exemple.org", query="")
    with mock.patch("time.time", return_value=timezone.now().timestamp() - 4 * 86400):
        old = selection.confirm_path(alert)
    expired = client.post(old)
    assert expired.status_code == 400 and "a expiré" in expired.content.decode()
    tampered = client.get(selection.confirm_path(alert).replace(":", ";", 1))
    assert tampered.status_code == 400 and "pas valide" in tampered.content.decode()
    forged = signing.dumps([alert.pk, "mauvais"], salt=selection.CONFIRM_SALT)
    assert client.get(reverse("alerts:confirm", args=[forged])).status_code == 400
    assert client.get("/alertes/confirmer/%00%27%22/").status_code == 400
    alert.refresh_from_db()
    assert alert.confirmed_at is None


def test_an_address_already_following_the_selection_gets_its_link_not_a_second_alert(
    client, themes, smtp
):
    confirmed_alert("")
    assert subscribe(client, "").status_code == 302
    assert Alert.objects.count() == 1
    [message] = smtp.to("lea@exemple.org")
    assert "/alertes/?jeton=" in smtp.body(message)


def test_robots_and_floods_are_turned_away(client, themes, settings, smtp):
    honeypot = client.post(
        CREATE, {"debut": start_token(), "email": "a@exemple.org", "site_web": "x", "selection": ""}
    )
    assert honeypot.status_code == 302 and not Alert.objects.exists()
    settings.ALERTS_PER_ADDRESS_PER_HOUR = 3  # every post counts, the robot's too
    assert [subscribe(client, "", f"p{n}@exemple.org").status_code for n in range(3)] == [
        302,
        302,
        429,
    ]
    assert Alert.objects.count() == 2 and len(smtp.messages) == 2
    assert Client(REMOTE_ADDR="192.0.2.9").post(CREATE, {}).status_code == 200  # another address


# -- digests --------------------------------------------------------------------------------------
def test_a_digest_lists_exactly_the_new_and_substantially_updated_sheets_of_the_selection(
    themes, smtp
):
    water, food = themes
    alert = confirmed_alert(f"theme={water.slug}")
    now = timezone.now()
    before = alert.confirmed_at - timedelta(days=1)
    CaseStudyFactory(title="Eau : nouvelle fiche", themes=[water], published_at=now)
    CaseStudyFactory(title="Alimentation : autre sélection", themes=[food], published_at=now)
    CaseStudyFactory(title="Eau : brouillon", themes=[water], draft=True)
    CaseStudyFactory(title="Eau : déjà envoyée", themes=[water], published_at=before)
    CaseStudyFactory(
        title="Eau : mise à jour importante",
        themes=[water],
        published_at=before,
        major_update_at=now - timedelta(hours=1),
    )
    corrected = CaseStudyFactory(title="Eau : correction", themes=[water], published_at=before)
    corrected.summary = "Une faute corrigée."
    corrected.save()  # updated_at moves, not major_update_at: no digest

    out = StringIO()
    call_command("send_alerts", stdout=out)
    assert "1 alertes dues" in out.getvalue()
    [message] = smtp.to("lea@exemple.org")
    body = smtp.body(message)
    titles = re.findall(r"^- (.+)$", body, flags=re.M)
    assert titles == ["Eau : nouvelle fiche", "Eau : mise à jour importante"]
    assert "mise à jour le" in body and "publiée le" in body
    unsubscribe = f"https://catalogue.test/alertes/desabonner/{alert.pk}/{alert.secret}/"
    assert message["List-Unsubscribe"].strip() == f"<{unsubscribe}>"
    assert message["List-Unsubscribe-Post"].strip() == "List-Unsubscribe=One-Click"
    assert unsubscribe in body and "https://catalogue.test/alertes/?jeton=" in body
    assert f"https://catalogue.test/fiches/?theme={water.slug}" in body

    # Idempotent: a second run sends nothing, and nothing new means no e-mail.
    call_command("send_alerts", stdout=StringIO())
    call_command("send_alerts", "--now", (now + timedelta(days=8)).isoformat(), stdout=StringIO())
    assert len(smtp.messages) == 1


def test_an_alert_on_a_search_sends_the_sheets_the_search_finds(themes, smtp):
    water, _ = themes
    confirmed_alert("q=riviere", "recherche@exemple.org")
    CaseStudyFactory(title="Contrat de rivière partagé", themes=[water])
    CaseStudyFactory(title="Cantines et producteurs", themes=[water])
    send_digests(timezone.now())
    [message] = smtp.to("recherche@exemple.org")
    assert re.findall(r"^- (.+)$", smtp.body(message), flags=re.M) == ["Contrat de rivière partagé"]


def test_unconfirmed_addresses_get_no_digest_and_are_forgotten(themes, smtp, settings):
    water, _ = themes
    pending = Alert.objects.create(email="pas-confirme@exemple.org", query="")
    Alert.objects.filter(pk=pending.pk).update(requested_at=timezone.now() - timedelta(days=5))
    fresh = Alert.objects.create(email="en-attente@exemple.org", query="")
    CaseStudyFactory(themes=[water])
    report = send_digests(timezone.now())
    assert report.sent == 0 and smtp.messages == []
    assert report.expired_requests == 1
    assert list(Alert.objects.all()) == [fresh]


def test_daily_and_weekly_alerts_are_due_at_their_own_pace(themes, smtp):
    water, _ = themes
    start = timezone.now()
    confirmed_alert("", "jour@exemple.org", Frequency.DAILY, at=start)
    confirmed_alert("", "semaine@exemple.org", Frequency.WEEKLY, at=start)
    CaseStudyFactory(title="Le lendemain", themes=[water], published_at=start + timedelta(hours=2))
    send_digests(start + timedelta(days=1))
    assert len(smtp.to("jour@exemple.org")) == 1 and not smtp.to("semaine@exemple.org")
    send_digests(start + timedelta(days=7))
    assert len(smtp.to("jour@exemple.org")) == 1 and len(smtp.to("semaine@exemple.org")) == 1


def test_a_run_that_fails_halfway_resends_nothing_already_sent(themes, smtp):
    water, _ = themes
    for n in range(3):
        confirmed_alert("", f"abonne{n}@exemple.org")
    CaseStudyFactory(title="Nouvelle", themes=[water])
    real_send, calls = EmailMessage.send, []

    def failing_second(message, *args, **kwargs):
        calls.append(message.to)
        if len(calls) == 2:
            raise ConnectionError("le relais a coupé")
        return real_send(message, *args, **kwargs)

    with mock.patch.object(EmailMessage, "send", failing_second), pytest.raises(ConnectionError):
        send_digests(timezone.now())
    assert [m["To"] for m in smtp.messages] == ["abonne0@exemple.org"]
    send_digests(timezone.now())
    recipients = sorted(str(m["To"]) for m in smtp.messages)
    assert recipients == ["abonne0@exemple.org", "abonne1@exemple.org", "abonne2@exemple.org"]


def test_a_refused_address_does_not_hold_the_others_back(themes, smtp):
    water, _ = themes
    for email in ("refusee@exemple.org", "servie@exemple.org"):
        confirmed_alert("", email)
    smtp.refused_recipients.add("refusee@exemple.org")
    CaseStudyFactory(title="Nouvelle", themes=[water])
    report = send_digests(timezone.now())
    assert report.refused == 1 and report.sent == 1
    assert [str(m["To"]) for m in smtp.messages] == ["servie@exemple.org"]
    send_digests(timezone.now())  # the next run does not stop on it either
    assert len(smtp.messages) == 1


def test_two_runs_at_once_send_each_digest_once(themes, smtp):
    water, _ = themes
    for n in range(3):
        confirmed_alert("", f"abonne{n}@exemple.org")
    CaseStudyFactory(title="Nouvelle", themes=[water])
    now, real_send, nested = timezone.now(), EmailMessage.send, []

    def send_and_start_another_run(message, *args, **kwargs):
        if not nested:  # while the first run sends its first digest, a second run starts
            nested.append(None)
            nested[0] = send_digests(now)
        return real_send(message, *args, **kwargs)

    with mock.patch.object(EmailMessage, "send", send_and_start_another_run):
        first = send_digests(now)
    assert first.sent + nested[0].sent == 3
    assert sorted(str(m["To"]) for m in smtp.messages) == [
        "abonne0@exemple.org",
        "abonne1@exemple.org",
        "abonne2@exemple.org",
    ]


def test_a_selection_the_catalogue_no_longer_knows_matches_nothing(themes, smtp):
    _, food = themes
    gone = ThemeFactory(name="Thématique supprimée")
    CaseStudyFactory(title="Une fiche de la thématique", themes=[gone])
    confirmed_alert(f"theme={gone.slug}", "perimee@exemple.org")
    CaseStudy.objects.filter(title="Une fiche de la thématique").delete()
    gone.delete()  # the theme leaves: its alert must not widen to every sheet
    CaseStudyFactory(title="Autre nouveauté", themes=[food])
    report = send_digests(timezone.now())
    assert report.stale == [f"theme={gone.slug}"] and smtp.messages == []


def test_the_digest_reads_do_not_grow_with_the_number_of_alerts(themes, smtp):
    water, food = themes
    CaseStudyFactory(title="Nouvelle eau", themes=[water])
    CaseStudyFactory(title="Nouvelle alimentation", themes=[food])

    def selects_for(subscribers: int) -> int:
        Alert.objects.all().delete()
        for n in range(subscribers):
            query = f"theme={water.slug}" if n % 2 else f"theme={food.slug}"
            confirmed_alert(query, f"abonne{n}@exemple.org")
        with CaptureQueriesContext(connection) as queries:
            report = send_digests(timezone.now())
        assert report.sent == subscribers and report.selections == 2
        return sum(q["sql"].lstrip().upper().startswith("SELECT") for q in queries)

    assert selects_for(3) == selects_for(30)


# -- unsubscribing and managing -------------------------------------------------------------------
def test_one_click_unsubscribe_is_one_post_without_login_or_token(themes):
    alert = confirmed_alert("")
    mail_client = Client(enforce_csrf_checks=True)
    url = selection.unsubscribe_path(alert)
    page = mail_client.get(url)
    assert page.status_code == 200 and Alert.objects.filter(pk=alert.pk).exists()
    wrong = reverse("alerts:unsubscribe", args=[alert.pk, "mauvaise-cle"])
    assert mail_client.post(wrong).status_code == 200  # a wrong key deletes nothing
    assert Alert.objects.filter(pk=alert.pk).exists()
    response = mail_client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and "supprimée" in response.content.decode()
    assert not Alert.objects.filter(email="lea@exemple.org").exists()
    assert mail_client.post(url).status_code == 200  # again: still a polite answer


def test_the_manage_page_shows_one_address_s_alerts_from_the_e_mail_link(client, themes, smtp):
    water, _ = themes
    confirmed_alert(f"theme={water.slug}")
    confirmed_alert("", "autre@exemple.org")
    link = selection.manage_path("lea@exemple.org")
    token = unquote(link.split("jeton=")[1])
    payload = signing.b64_decode(token.split(":")[0].encode())
    assert b"lea" not in payload and b"exemple" not in payload  # opaque: no address
    page = client.get(link)
    assert page.status_code == 200 and page.context["email"] == "lea@exemple.org"
    assert [item["selection"] for item in page.context["alerts"]] == [f"Thématique : {water.name}"]
    assert client.get(reverse("alerts:manage"), {"jeton": "faux"}).status_code == 400
    # Without the link: ask for it; the answer never says whether the address is known.
    for email in ("lea@exemple.org", "inconnue@exemple.org"):
        answer = client.post(reverse("alerts:manage"), {"debut": start_token(), "email": email})
        assert answer.status_code == 302 and answer.url == reverse("alerts:link-sent")
    assert len(smtp.to("lea@exemple.org")) == 1 and not smtp.to("inconnue@exemple.org")


def test_the_digest_command_is_documented_with_cron_and_systemd():
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    assert "manage.py send_alerts" in readme and "OnCalendar=" in readme
    assert "EMAIL_HOST" in readme and "SITE_URL" in readme
