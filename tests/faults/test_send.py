"""kill -9 of the worker in the middle of sending news to sponsors: a re-run sends the rest,
and no sponsor ever gets the same news twice, even when the killed task runs again."""

from __future__ import annotations

from collections import Counter

from safepassage.fundraising.models import NewsDelivery, Share, ShareStatus
from safepassage.fundraising.tasks import send_news
from safepassage.testing.hope import COST, donor, gift, hope, waiting
from safepassage.vault import records
from tests.faults.site import killed

WORKER = ("worker", "--batch", "--no-schedule", "--no-startup-delay")


def _recipients(smtp_server) -> Counter:
    return Counter(address for mail in smtp_server.messages for address in mail["to"])


def test_a_worker_killed_after_a_send_never_sends_that_news_twice(
    site, settings, smtp_server, audit_verifies
):
    port = str(settings.MAILERS["default"]["OPTIONS"]["port"])
    mail = {"EMAIL_BACKEND": "smtp", "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": port}
    campaign = hope()
    waiting(real_name="김순희 Testname")
    givers = [donor(name) for name in ("최 영수", "王美华", "Sunhee")]
    for giver in givers[:2]:
        gift(giver, COST // 2 - 1, campaign)
    gift(givers[2], 10, campaign)
    assert Share.objects.filter(status=ShareStatus.ASSIGNED).count() == 1
    address = {g.pk: records.read(g, "email") for g in givers}
    # One message per piece of news and sponsor, and no more.
    expected = Counter(address[d.donor_id] for d in NewsDelivery.objects.all())
    assert len(expected) == 3

    died = site.run(*WORKER, fault="fundraising.news.sent", **mail)

    assert killed(died), died.stderr
    assert len(smtp_server.messages) == 1
    interrupted = NewsDelivery.objects.get(sent_at__isnull=True, outcome="sending")

    finished = site.run(*WORKER, **mail)

    assert finished.returncode == 0, finished.stderr
    assert _recipients(smtp_server) == expected
    # The killed task runs again (re-queued by hand, or by a second worker): nothing goes.
    send_news.enqueue(delivery_id=interrupted.pk)
    retried = site.run(*WORKER, **mail)

    assert retried.returncode == 0, retried.stderr
    assert _recipients(smtp_server) == expected
    assert NewsDelivery.objects.filter(outcome="sent").count() == expected.total() - 1
    audit_verifies()
