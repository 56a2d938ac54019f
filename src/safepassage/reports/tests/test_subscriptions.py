"""Subscriptions to the reports and the report e-mail (issue 15): double opt-in by a
button, one-click unsubscribe without a session, tokens kept only as keyed hashes,
addresses sealed, every e-mail through a real local SMTP server, and a release mailed at
most once to each subscriber whatever is retried."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from safepassage import secret_paths
from safepassage.accounts.models import Role
from safepassage.audit.models import AuditEntry
from safepassage.funds.services import donations, donors, receipts
from safepassage.reports import email as report_email
from safepassage.reports import subscription_views, tokens
from safepassage.reports.models import Audience, Delivery, DeliveryState, ReleaseKind, Subscriber
from safepassage.reports.services import subscriptions
from safepassage.reports.tasks import send_confirmation, send_report
from safepassage.testing.members import make_member
from safepassage.testing.reports import make_release
from safepassage.vault import records
from safepassage.web.redaction import redact

CONFIRM_LINK = re.compile(r"/reports/subscribe/confirm/([A-Za-z0-9_-]+)/")
UNSUBSCRIBE_LINK = re.compile(r"/reports/unsubscribe/([A-Za-z0-9_-]+)/")
SUBSCRIBE = "/reports/subscribe/"


@pytest.fixture(autouse=True)
def _fresh_limits():
    # The rate limits live in the database cache, which a transactional test's flush
    # leaves alone: each test starts with no attempts counted.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def author(db):
    return make_member(Role.Code.COMMUNICATIONS).user


def _body(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def _html(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def _asked(address: str, language: str = "en") -> Subscriber:
    subscriptions.subscribe(email=address, language=language)
    return records.filter_by(Subscriber.objects.all(), "email", address).get()


def _confirmed(address: str, language: str = "en") -> Subscriber:
    """A subscriber who asked and pressed the button (tokens straight from the service)."""
    subscriber = _asked(address, language)
    confirm_token, _unsubscribe = subscriptions.confirmation_links(subscriber=subscriber)
    assert subscriptions.confirm(token=confirm_token) is not None
    subscriber.refresh_from_db()
    return subscriber


def _mailed_to(smtp_server, address: str) -> list:
    return [m["message"] for m in smtp_server.messages if m["to"] == [address]]


# ---------------------------------------------------------------------------------------
# Subscribing: double opt-in, no enumeration


@pytest.mark.django_db
class TestSubscribing:
    def test_the_form_asks_for_an_address_and_a_language(self):
        response = Client().get(SUBSCRIBE)
        assert response.status_code == 200
        page = response.content.decode()
        assert 'type="email"' in page
        assert 'name="language"' in page
        assert 'name="viewport"' in page  # the public base: a phone's width

    def test_a_browser_posts_the_form_with_its_csrf_token(self):
        browser = Client(enforce_csrf_checks=True)
        page = browser.get(SUBSCRIBE).content.decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        answer = browser.post(
            SUBSCRIBE,
            {"email": "ahn.jiho@example.org", "language": "en", "csrfmiddlewaretoken": token},
        )
        assert answer.status_code == 302
        forged = Client(enforce_csrf_checks=True).post(
            SUBSCRIBE, {"email": "forged@example.org", "language": "en"}
        )
        assert forged.status_code == 403
        assert Subscriber.objects.count() == 1

    def test_a_confirmation_reaches_a_real_smtp_server_with_the_headers(self, smtp_server):
        response = Client().post(SUBSCRIBE, {"email": "Park.Jiwoo@example.org", "language": "ko"})
        assert response.status_code == 302
        assert response["Location"] == reverse("reports_subscriptions:subscribe_sent")
        assert smtp_server.messages == []  # queued, not sent by the request
        subscriber = records.filter_by(Subscriber.objects.all(), "email", "park.jiwoo@example.org")
        [task] = DBTaskResult.objects.filter(task_path=send_confirmation.module_path)
        send_confirmation.call(**task.task_result.kwargs)

        [sent] = smtp_server.messages
        assert sent["to"] == ["Park.Jiwoo@example.org"]
        message = sent["message"]
        assert message["Content-Language"] == "ko"
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert re.fullmatch(
            re.escape(f"<{settings.BASE_URL}/reports/unsubscribe/") + r"[\w-]+/>",
            message["List-Unsubscribe"],
        )
        assert CONFIRM_LINK.search(_body(message))
        assert subscriber.get().confirmed_at is None  # a confirmation sent confirms nothing

    def test_opening_the_link_changes_nothing_and_the_button_confirms(self, smtp_server):
        subscriber = _asked("lee.minho@example.org")
        send_confirmation.call(subscriber_id=str(subscriber.pk))
        [token] = CONFIRM_LINK.findall(_body(smtp_server.messages[0]["message"]))
        path = reverse("reports_subscriptions:confirm", args=[token])

        page = Client().get(path)  # what a mail scanner's link check does
        assert page.status_code == 200
        assert '<form method="post">' in page.content.decode()
        assert "no-store" in page["Cache-Control"]
        subscriber.refresh_from_db()
        assert subscriber.confirmed_at is None

        done = Client(enforce_csrf_checks=True).post(path)
        assert done.status_code == 200
        subscriber.refresh_from_db()
        assert subscriber.confirmed_at is not None
        assert subscriber.receives_reports
        assert Client().post(path).status_code == 200  # pressed twice: still confirmed

    def test_a_made_up_or_expired_confirmation_link_is_not_found(self):
        assert Client().get("/reports/subscribe/confirm/" + "x" * 43 + "/").status_code == 404
        subscriber = _asked("wang.meihua@example.org")
        token, _unsubscribe = subscriptions.confirmation_links(subscriber=subscriber)
        Subscriber.objects.filter(pk=subscriber.pk).update(
            confirm_sent_at=timezone.now() - dt.timedelta(days=subscriptions.CONFIRM_VALID_DAYS + 1)
        )
        path = reverse("reports_subscriptions:confirm", args=[token])
        assert Client().post(path).status_code == 404
        subscriber.refresh_from_db()
        assert subscriber.confirmed_at is None

    def test_new_waiting_and_confirmed_addresses_get_the_same_answer(self, smtp_server):
        _confirmed("choi.yuna@example.org")
        _asked("kang.seojun@example.org")
        answers = [
            Client().post(SUBSCRIBE, {"email": address, "language": "en"}, follow=True)
            for address in (
                "nobody.new@example.org",
                "kang.seojun@example.org",
                "choi.yuna@example.org",
            )
        ]
        assert {a.status_code for a in answers} == {200}
        assert len({a.redirect_chain[0] for a in answers}) == 1
        assert len({a.content for a in answers}) == 1

    def test_asking_again_sends_at_most_one_confirmation_in_a_few_minutes(self, smtp_server):
        for _ in range(3):
            subscriptions.subscribe(email="jung.haneul@example.org", language="en")
        assert Subscriber.objects.count() == 1
        queued = DBTaskResult.objects.filter(task_path=send_confirmation.module_path)
        assert queued.count() == 1
        later = timezone.now() - dt.timedelta(minutes=subscriptions.CONFIRM_RESEND_MINUTES + 1)
        Subscriber.objects.update(confirm_requested_at=later)
        subscriptions.subscribe(email="JUNG.HANEUL@example.org ", language="en")
        assert queued.count() == 2
        assert Subscriber.objects.count() == 1

    def test_a_confirmed_subscriber_asking_again_is_sent_nothing(self):
        subscriber = _confirmed("han.jisoo@example.org", language="ko")
        Subscriber.objects.update(confirm_requested_at=timezone.now() - dt.timedelta(days=1))
        before = DBTaskResult.objects.count()
        subscriptions.subscribe(email="han.jisoo@example.org", language="en")
        assert DBTaskResult.objects.count() == before
        subscriber.refresh_from_db()
        assert subscriber.language == "ko"  # a stranger cannot change it either

    def test_an_address_that_is_none_is_refused_and_kept_nowhere(self):
        response = Client().post(SUBSCRIBE, {"email": "not an address", "language": "en"})
        assert response.status_code == 400
        with pytest.raises(ValidationError):
            subscriptions.subscribe(email="also@not@one", language="en")
        assert not Subscriber.objects.exists()

    def test_too_many_requests_from_one_address_are_slowed(self, monkeypatch):
        monkeypatch.setattr(subscription_views, "SUBSCRIBE_RATE", "2/h")
        codes = [
            Client()
            .post(SUBSCRIBE, {"email": f"guess{n}@example.org", "language": "en"})
            .status_code
            for n in range(3)
        ]
        assert codes == [302, 302, 429]
        assert Subscriber.objects.count() == 2


# ---------------------------------------------------------------------------------------
# What the database keeps


@pytest.mark.django_db
class TestStorage:
    def test_the_address_is_sealed_and_found_by_its_blind_index(self):
        subscriber = _confirmed("Seo.Yeji@example.org")
        table = Subscriber._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT * FROM {table}")
            rows = cursor.fetchall()
        dump = repr(rows).casefold()
        assert "seo.yeji" not in dump
        assert "example.org" not in dump
        found = records.filter_by(Subscriber.objects.all(), "email", "  SEO.YEJI@example.org")
        assert list(found) == [subscriber]
        assert records.read(subscriber, "email") == "Seo.Yeji@example.org"

    def test_the_audit_log_names_the_subscriber_never_the_address(self, smtp_server):
        subscriber = _asked("moon.taeyang@example.org")
        send_confirmation.call(subscriber_id=str(subscriber.pk))
        [token] = UNSUBSCRIBE_LINK.findall(_body(smtp_server.messages[0]["message"]))
        subscriptions.unsubscribe(token=token)
        entries = AuditEntry.objects.filter(target_id=str(subscriber.pk))
        assert {e.action for e in entries} >= {
            "reports.subscriber_added",
            "vault.revealed",
            "reports.unsubscribed",
        }
        for entry in AuditEntry.objects.all():
            text = json.dumps([entry.actor_label, entry.data], ensure_ascii=False)
            assert "moon.taeyang" not in text

    def test_the_links_tokens_are_kept_only_as_keyed_hashes(self, smtp_server):
        subscriber = _asked("yoon.seoyeon@example.org")
        send_confirmation.call(subscriber_id=str(subscriber.pk))
        body = _body(smtp_server.messages[0]["message"])
        [confirm_token] = CONFIRM_LINK.findall(body)
        [unsubscribe_token] = UNSUBSCRIBE_LINK.findall(body)
        table = Subscriber._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT * FROM {table}")
            dump = repr(cursor.fetchall())
        assert confirm_token not in dump
        assert unsubscribe_token not in dump
        subscriber.refresh_from_db()
        assert subscriber.confirm_digest == tokens.confirm_digest(confirm_token)
        assert subscriber.unsubscribe_digest == tokens.unsubscribe_digest(unsubscribe_token)
        # Each kind has its own key: a confirmation token is no unsubscribe token.
        assert tokens.confirm_digest(confirm_token) != tokens.unsubscribe_digest(confirm_token)
        tasks = repr(list(DBTaskResult.objects.values_list("args_kwargs", flat=True)))
        assert confirm_token not in tasks
        assert unsubscribe_token not in tasks


# ---------------------------------------------------------------------------------------
# Unsubscribing


@pytest.mark.django_db
class TestUnsubscribing:
    def _token(self, smtp_server, address: str) -> tuple[Subscriber, str]:
        subscriber = _asked(address)
        send_confirmation.call(subscriber_id=str(subscriber.pk))
        [token] = UNSUBSCRIBE_LINK.findall(_body(_mailed_to(smtp_server, address)[-1]))
        subscriptions.confirm(
            token=CONFIRM_LINK.findall(_body(_mailed_to(smtp_server, address)[-1]))[0]
        )
        return subscriber, token

    def test_a_one_click_post_without_a_session_unsubscribes_and_erases(self, smtp_server):
        subscriber, token = self._token(smtp_server, "lim.dohyun@example.org")
        client = Client(enforce_csrf_checks=True)  # a mail program: no cookie, no CSRF token
        response = client.post(
            reverse("reports_subscriptions:unsubscribe", args=[token]),
            data="List-Unsubscribe=One-Click",
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code == 200
        assert not response.cookies  # nothing to remember: the link was the proof
        subscriber.refresh_from_db()
        assert subscriber.unsubscribed_at is not None
        assert not subscriber.email.is_set
        assert subscriber.email_bidx is None
        assert not subscriber.receives_reports

    def test_the_page_asks_first_and_a_wrong_token_is_not_found(self, smtp_server):
        subscriber, token = self._token(smtp_server, "song.minji@example.org")
        path = reverse("reports_subscriptions:unsubscribe", args=[token])
        page = Client().get(path)
        assert page.status_code == 200
        assert 'name="List-Unsubscribe" value="One-Click"' in page.content.decode()
        subscriber.refresh_from_db()
        assert subscriber.unsubscribed_at is None

        wrong = reverse("reports_subscriptions:unsubscribe", args=[token[:-2] + "AA"])
        assert (
            Client()
            .post(
                wrong,
                data="List-Unsubscribe=One-Click",
                content_type="application/x-www-form-urlencoded",
            )
            .status_code
            == 404
        )
        subscriber.refresh_from_db()
        assert subscriber.unsubscribed_at is None

        assert Client().post(path).status_code == 200
        assert Client().get(path).status_code == 200  # the link keeps answering
        assert "deleted" in Client().get(path).content.decode()

    def test_subscribing_again_after_unsubscribing_needs_a_new_confirmation(self, smtp_server):
        subscriber, token = self._token(smtp_server, "bae.suzy@example.org")
        subscriptions.unsubscribe(token=token)
        again = _asked("bae.suzy@example.org")
        assert again.pk != subscriber.pk
        assert again.confirmed_at is None
        assert not again.receives_reports

    def test_token_paths_are_redacted_from_logs_and_never_stored(self):
        prefixes = secret_paths.prefixes()
        assert "/reports/unsubscribe/" in prefixes
        assert "/reports/subscribe/confirm/" in prefixes
        line = (
            "Not Found: /reports/unsubscribe/abcDEF123_-secret/ and /reports/subscribe/confirm/xyz/"
        )
        cleaned = redact(line)
        assert "abcDEF123" not in cleaned
        assert "xyz" not in cleaned


# ---------------------------------------------------------------------------------------
# The report e-mail


@pytest.mark.django_db
class TestReportEmail:
    def test_the_public_page_path_is_the_reports_address(self):
        assert report_email.public_report_path("summer-2026") == "/reports/summer-2026/"

    def test_it_arrives_with_the_headers_the_figures_and_no_testimony(self, smtp_server, author):
        subscriber = _confirmed("oh.hyejin@example.org", language="ko")
        release = make_release(author=author, raised_minor=48_500_000, spent_minor=None)
        assert subscriptions.deliver_release(release=release, actor=author) == 1
        [delivery] = Delivery.objects.filter(release=release)
        assert send_report.call(delivery_id=str(delivery.pk)) == {"sent": True}

        [message] = _mailed_to(smtp_server, "oh.hyejin@example.org")
        assert message["Subject"] == release.snapshot["report"]["title"]
        assert message["Content-Language"] == "ko"
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        [token] = UNSUBSCRIBE_LINK.findall(message["List-Unsubscribe"])
        assert message["List-Unsubscribe"] == f"<{report_email.unsubscribe_url(token)}>"
        assert message["Message-ID"] == report_email.message_id(str(delivery.pk))
        body = _body(message)
        slug = release.report.slug
        assert f"{settings.BASE_URL}/reports/{slug}/" in body
        assert "₩48,500,000" in body
        assert re.search(r": 12\s", body)
        assert re.search(r": 5\s", body)
        assert "T-TEST01" not in body
        assert "T-TEST01" not in _html(message)
        assert f"/reports/{slug}/" in _html(message)
        delivery.refresh_from_db()
        assert delivery.state == DeliveryState.SENT
        assert delivery.sent_at is not None
        assert delivery.unsubscribe_digest == tokens.unsubscribe_digest(token)
        assert subscriptions.by_unsubscribe_token(token) == subscriber

    def test_a_held_back_figure_reads_not_shown(self, smtp_server, author):
        _confirmed("ko.eunbi@example.org", language="en")
        release = make_release(author=author, raised_minor=None)
        subscriptions.deliver_release(release=release, actor=author)
        send_report.call(delivery_id=str(Delivery.objects.get().pk))
        body = _body(_mailed_to(smtp_server, "ko.eunbi@example.org")[0])
        assert "Money raised: not shown" in body
        assert "₩" not in body

    def test_only_confirmed_receiving_subscribers_get_it(self, author):
        _confirmed("a.kim@example.org")
        _asked("b.lee@example.org")  # never confirmed
        bounced = _confirmed("c.zhang@example.org")
        subscriptions.mark_bounced(subscriber=bounced, actor="worker", reason="bounce")
        release = make_release(author=author)
        assert subscriptions.deliver_release(release=release, actor=author) == 1

    def test_donors_reports_and_retractions_go_to_no_subscriber(self, author):
        _confirmed("d.park@example.org")
        donors_report = make_release(author=author, audience=Audience.DONORS)
        retraction = make_release(author=author, kind=ReleaseKind.RETRACTION)
        assert subscriptions.deliver_release(release=donors_report, actor=author) == 0
        assert subscriptions.deliver_release(release=retraction, actor=author) == 0
        assert not Delivery.objects.exists()

    def test_a_retried_send_sends_nothing_twice(self, smtp_server, author):
        _confirmed("e.jeon@example.org")
        release = make_release(author=author)
        assert subscriptions.deliver_release(release=release, actor=author) == 1
        assert subscriptions.deliver_release(release=release, actor=author) == 0  # again
        [delivery] = Delivery.objects.all()
        assert send_report.call(delivery_id=str(delivery.pk)) == {"sent": True}
        assert send_report.call(delivery_id=str(delivery.pk)) == {
            "sent": False,
            "reason": "not queued",
        }
        assert len(smtp_server.messages) == 1
        delivery.refresh_from_db()
        assert delivery.attempts == 1

    def test_a_send_that_died_half_way_is_not_sent_again(self, smtp_server, author):
        _confirmed("f.hwang@example.org")
        release = make_release(author=author)
        subscriptions.deliver_release(release=release, actor=author)
        [delivery] = Delivery.objects.all()
        # A worker claimed it, maybe sent it, and died before marking it sent.
        assert subscriptions.claim_delivery(delivery_id=str(delivery.pk)) is not None
        assert send_report.call(delivery_id=str(delivery.pk))["sent"] is False
        assert smtp_server.messages == []
        delivery.refresh_from_db()
        assert delivery.state == DeliveryState.SENDING

    def test_who_unsubscribes_or_bounces_during_a_send_is_not_mailed(self, smtp_server, author):
        stays = _confirmed("g.yang@example.org")
        leaves = _asked("h.nam@example.org")
        confirm_token, unsubscribe_token = subscriptions.confirmation_links(subscriber=leaves)
        subscriptions.confirm(token=confirm_token)
        bounces = _confirmed("i.liu@example.org")
        release = make_release(author=author)
        assert subscriptions.deliver_release(release=release, actor=author) == 3

        response = Client().post(
            reverse("reports_subscriptions:unsubscribe", args=[unsubscribe_token]),
            data="List-Unsubscribe=One-Click",
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code == 200
        subscriptions.mark_bounced_address(
            email="I.Liu@example.org", actor="worker", reason="bounce"
        )
        for delivery in Delivery.objects.all():
            send_report.call(delivery_id=str(delivery.pk))

        assert [m["to"] for m in smtp_server.messages] == [["g.yang@example.org"]]
        states = {d.subscriber_id: (d.state, d.outcome) for d in Delivery.objects.all()}
        assert states[stays.pk] == (DeliveryState.SENT, "")
        assert states[leaves.pk] == (DeliveryState.SKIPPED, "unsubscribed")
        assert states[bounces.pk] == (DeliveryState.SKIPPED, "bounced")

    def test_an_address_the_server_refuses_for_good_is_marked_bounced(self, smtp_server, author):
        gone = _confirmed("no.such.user@example.org")
        _confirmed("j.cho@example.org")
        smtp_server.refused["no.such.user@example.org"] = "550 5.1.1 No such user"
        release = make_release(author=author)
        subscriptions.deliver_release(release=release, actor=author)
        results = [send_report.call(delivery_id=str(d.pk)) for d in Delivery.objects.all()]

        assert {"sent": False, "reason": "bounced", "again": False} in results
        assert [m["to"] for m in smtp_server.messages] == [["j.cho@example.org"]]
        gone.refresh_from_db()
        assert gone.bounced_at is not None
        assert not gone.receives_reports
        failed = Delivery.objects.get(subscriber=gone)
        assert (failed.state, failed.outcome) == (DeliveryState.FAILED, "refused 550")
        assert AuditEntry.objects.filter(
            action="reports.subscriber_bounced", target_id=str(gone.pk)
        ).exists()
        # Confirming again shows the address works: it receives reports once more.
        token, _unsubscribe = subscriptions.confirmation_links(subscriber=gone)
        subscriptions.confirm(token=token)
        gone.refresh_from_db()
        assert gone.receives_reports

    def test_a_server_that_says_try_later_gets_it_later_once(self, smtp_server, author):
        subscriber = _confirmed("k.baek@example.org")
        smtp_server.refused["k.baek@example.org"] = "450 4.2.1 Mailbox busy"
        release = make_release(author=author)
        subscriptions.deliver_release(release=release, actor=author)
        [delivery] = Delivery.objects.all()
        result = send_report.call(delivery_id=str(delivery.pk))
        assert result == {"sent": False, "reason": "refused", "again": True}
        delivery.refresh_from_db()
        assert (delivery.state, delivery.attempts) == (DeliveryState.QUEUED, 1)
        later = DBTaskResult.objects.filter(task_path=send_report.module_path).order_by(
            "-enqueued_at"
        )[0]
        assert later.run_after > timezone.now()
        subscriber.refresh_from_db()
        assert subscriber.bounced_at is None

        del smtp_server.refused["k.baek@example.org"]
        assert send_report.call(delivery_id=str(delivery.pk)) == {"sent": True}
        assert send_report.call(delivery_id=str(delivery.pk))["sent"] is False
        assert len(smtp_server.messages) == 1


# ---------------------------------------------------------------------------------------
# Through the worker: queues, and the receipt's offer


@pytest.mark.django_db(transaction=True)  # the worker runs: it needs committed rows
class TestThroughTheWorker:
    def test_a_confirmation_goes_ahead_of_a_release_being_sent(self, smtp_server, author):
        for n in range(3):
            _confirmed(f"reader{n}@example.org")
        DBTaskResult.objects.all().delete()  # their own confirmations, done with
        release = make_release(author=author)
        assert subscriptions.deliver_release(release=release, actor=author) == 3
        subscriptions.subscribe(email="just.asked@example.org", language="en")
        queues = set(
            DBTaskResult.objects.values_list("task_path", "queue_name", "priority").distinct()
        )
        assert queues == {
            (send_report.module_path, "mail-bulk", -20),
            (send_confirmation.module_path, "mail-urgent", 50),
        }

        call_command(
            "worker",
            batch=True,
            max_tasks=1,
            no_startup_delay=True,
            no_schedule=True,
            verbosity=0,
        )
        assert [m["to"] for m in smtp_server.messages] == [["just.asked@example.org"]]
        call_command("worker", batch=True, no_startup_delay=True, no_schedule=True, verbosity=0)
        assert len(smtp_server.messages) == 4
        call_command("worker", batch=True, no_startup_delay=True, no_schedule=True, verbosity=0)
        assert len(smtp_server.messages) == 4  # run again: nothing twice
        assert set(Delivery.objects.values_list("state", flat=True)) == {DeliveryState.SENT}

    def test_a_receipt_offers_the_reports(self, smtp_server, run_tasks):
        donor = donors.donor_create(
            actor=None,
            name="Donor Zhou 0021",
            email="donor0021@example.org",
            address="21 Example Street",
            language="en",
        )
        gift = donations.donation_record(
            actor=None,
            donor=donor,
            gross_minor=50_000,
            currency="KRW",
            received_on=timezone.localdate(),
            channel="bank",
        )
        receipt = receipts.receipt_issue(actor=None, donation=gift)
        receipts.receipt_send(actor=None, receipt=receipt)
        run_tasks()
        [sent] = smtp_server.messages
        body = _body(sent["message"])
        assert f"{settings.BASE_URL}/reports/subscribe/" in body
        assert "published reports can come to you by e-mail" in body


# ---------------------------------------------------------------------------------------
# Unconfirmed addresses do not stay


def test_an_address_nobody_confirmed_is_erased_once_its_link_has_expired(db):
    stale = _asked("stale@example.org")
    fresh = _asked("fresh@example.org")
    kept = _confirmed("kept@example.org")
    week = dt.timedelta(days=subscriptions.CONFIRM_VALID_DAYS)
    Subscriber.objects.filter(pk=stale.pk).update(
        confirm_requested_at=timezone.now() - week - dt.timedelta(hours=1)
    )
    Subscriber.objects.filter(pk=fresh.pk).update(
        confirm_requested_at=timezone.now() - week + dt.timedelta(hours=1)
    )
    Subscriber.objects.filter(pk=kept.pk).update(confirm_requested_at=timezone.now() - 2 * week)

    assert subscriptions.purge_unconfirmed() == 1

    stale.refresh_from_db()
    assert not stale.email.is_set
    assert stale.confirm_digest is None
    assert stale.unsubscribe_digest is None
    assert not records.filter_by(Subscriber.objects.all(), "email", "stale@example.org").exists()
    assert records.filter_by(Subscriber.objects.all(), "email", "fresh@example.org").exists()
    kept.refresh_from_db()
    assert kept.receives_reports
    entry = AuditEntry.objects.filter(action="reports.subscription_expired").get()
    assert entry.target_id == str(stale.pk)
    assert "stale@example.org" not in json.dumps(entry.data)
    # Run again: nothing more to erase, and the address may subscribe afresh.
    assert subscriptions.purge_unconfirmed() == 0
    again = _asked("stale@example.org")
    assert again.pk != stale.pk
    assert again.confirmed_at is None


def test_the_purge_is_a_daily_task_that_queues_its_next_run(db):
    from safepassage.reports.tasks import purge_unconfirmed

    stale = _asked("old@example.org")
    Subscriber.objects.filter(pk=stale.pk).update(
        confirm_requested_at=timezone.now() - dt.timedelta(days=30)
    )
    assert purge_unconfirmed.call() == 1
    queued = DBTaskResult.objects.filter(
        task_path="safepassage.reports.tasks.purge_unconfirmed", status="READY"
    )
    assert queued.count() == 1
