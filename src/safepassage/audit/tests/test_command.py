from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command, execute_from_command_line

from safepassage.audit.chain import head, record
from safepassage.audit.models import AuditEntry
from safepassage.audit.tests.tampering import bypass_triggers, set_head


def run(*args: str) -> str:
    out = StringIO()
    call_command("audit", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_it_reports_a_sound_chain(chain):
    seq, digest = head()

    assert run("verify") == f"audit chain OK: 8 entries, head {seq} {digest}\n"


@pytest.mark.django_db
def test_it_prints_the_head(chain):
    assert run("head") == f"8 {chain[-1].hash}\n"


@pytest.mark.django_db
def test_it_names_the_first_broken_entry_and_fails(chain):
    with bypass_triggers():
        AuditEntry.objects.filter(seq=3).update(actor_label="someone.else@example.org")

    with pytest.raises(
        CommandError, match=r"^audit chain BROKEN at entry 3: hash does not match"
    ) as e:
        run("verify")
    assert e.value.returncode == 1


@pytest.mark.django_db
def test_it_checks_a_kept_head(chain):
    _, kept = head()
    with bypass_triggers():
        AuditEntry.objects.filter(seq=8).delete()
    set_head(7, chain[6].hash, with_key=True)  # only the kept head catches this

    assert run("verify").startswith("audit chain OK: 7 entries")
    with pytest.raises(CommandError, match=r"^audit chain BROKEN: kept head") as e:
        run("verify", "--head", kept)
    assert e.value.returncode == 1


@pytest.mark.django_db
def test_it_refuses_a_malformed_kept_head():
    with pytest.raises(CommandError, match="64 lower-case hex"):
        run("verify", "--head", "abc")


# transaction=True: the command closes its database connections when it finishes.
@pytest.mark.django_db(transaction=True)
def test_it_exits_with_1_and_writes_to_stderr_when_broken(capsys):
    for n in range(3):
        record(actor="worker", action="reports.rendered", data={"n": n})
    with bypass_triggers():
        AuditEntry.objects.filter(seq=2).delete()

    with pytest.raises(SystemExit) as e:
        execute_from_command_line(["safepassage", "audit", "verify"])

    assert e.value.code == 1
    captured = capsys.readouterr()
    assert "audit chain BROKEN at entry 2: entry 2 missing after 1 (deleted)" in captured.err
    assert captured.out == ""
