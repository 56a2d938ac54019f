"""The head anchored outside the database: the hourly task, the command, verify's use of it."""

from __future__ import annotations

import json
import stat
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django_tasks_db.models import DBTaskResult

from safepassage.audit import anchor
from safepassage.audit.chain import head, record
from safepassage.audit.models import GENESIS_HASH, AuditEntry
from safepassage.audit.tasks import anchor_head
from safepassage.audit.tests.tampering import bypass_triggers, keyed_hash, rewrite_from, set_head
from safepassage.base import schedule

pytestmark = pytest.mark.django_db


@pytest.fixture
def anchor_file(settings, tmp_path):
    settings.AUDIT_ANCHOR_FILE = str(tmp_path / "anchors" / "audit-anchor.jsonl")
    return tmp_path / "anchors" / "audit-anchor.jsonl"


def run(*args: str) -> str:
    out = StringIO()
    call_command("audit", *args, stdout=out)
    return out.getvalue()


def test_the_task_appends_the_authenticated_head_to_a_private_file(chain, anchor_file):
    assert anchor_head.call() == 8
    record(actor="worker", action="reports.rendered")
    assert anchor_head.call() == 9

    lines = [json.loads(line) for line in anchor_file.read_text().splitlines()]
    assert [(line["seq"], line["hash"]) for line in lines] == [(8, chain[-1].hash), head()]
    assert all(len(line["mac"]) == 64 and line["at"] for line in lines)
    assert stat.S_IMODE(anchor_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(anchor_file.parent.stat().st_mode) == 0o700
    assert anchor.read() == [(8, chain[-1].hash), head()]


def test_the_task_is_periodic_and_queues_its_next_run(db, anchor_file):
    assert "safepassage.audit.tasks.anchor_head" in schedule.PERIODIC

    anchor_head.call()

    assert DBTaskResult.objects.filter(
        task_path="safepassage.audit.tasks.anchor_head", status="READY"
    ).exists()


def test_the_task_does_nothing_when_anchoring_is_off(db, settings):
    settings.AUDIT_ANCHOR_FILE = ""

    assert anchor_head.call() == -1


def test_the_command_anchors_now_and_verify_checks_against_it(chain, anchor_file):
    assert run("anchor").startswith(f"anchored 8 {chain[-1].hash}")

    out = run("verify")

    assert out.splitlines()[1] == "matches 1 anchors, the latest at entry 8"


def test_verify_finds_a_tail_cut_with_the_key_by_the_anchor(chain, anchor_file):
    run("anchor")
    with bypass_triggers():
        AuditEntry.objects.filter(seq__gt=6).delete()
    set_head(6, chain[5].hash, with_key=True)

    with pytest.raises(CommandError, match="log ends at entry 6 but entry 8 was anchored") as e:
        run("verify")
    assert e.value.returncode == 1


def test_verify_finds_a_keyed_rewrite_by_the_anchor(chain, anchor_file):
    run("anchor")
    with bypass_triggers():
        AuditEntry.objects.filter(seq=4).update(data={"n": 4, "reason": "다시 씀"})
    rewrite_from(4, hasher=keyed_hash)

    with pytest.raises(CommandError, match="BROKEN at entry 8: not the entry anchored"):
        run("verify")


def test_verify_finds_a_wipe_with_a_replayed_empty_head_by_the_anchor(chain, anchor_file):
    run("anchor")
    with bypass_triggers():
        AuditEntry.objects.all().delete()
    set_head(0, GENESIS_HASH, with_key=True)

    with pytest.raises(CommandError, match="log ends at entry 0 but entry 8 was anchored"):
        run("verify")


def test_a_forged_anchor_line_is_refused(chain, anchor_file):
    run("anchor")
    with anchor_file.open("a") as handle:
        handle.write(json.dumps({"seq": 3, "hash": chain[2].hash, "mac": "0" * 64}) + "\n")

    with pytest.raises(CommandError, match="anchor file line 2 fails authentication"):
        run("verify")


def test_a_forged_head_is_not_anchored(chain, anchor_file):
    set_head(6, chain[5].hash, with_key=False)

    with pytest.raises(CommandError, match="fails authentication; not anchored"):
        run("anchor")
    assert not anchor_file.exists()


def test_the_task_mails_the_head_to_the_directors_once_a_day(
    chain, settings, smtp_server, member_factory
):
    settings.AUDIT_ANCHOR_FILE = ""
    settings.AUDIT_ANCHOR_MAIL_HOURS = 24
    director = member_factory("director", language="ko")
    member_factory("finance")

    assert anchor_head.call() == 8
    anchor_head.call()  # an hour later: no second message the same day

    assert [m["to"] for m in smtp_server.messages] == [[director.user.email]]
    message = smtp_server.messages[0]["message"]
    assert message["Subject"] == "감사 기록 고정점: 항목 8"
    body = message.get_content()
    assert f"safepassage audit verify --head {chain[-1].hash}" in body
    line = json.loads(body.strip().splitlines()[-1])
    assert anchor.head_mac_ok(line["seq"], line["hash"], line["mac"])
