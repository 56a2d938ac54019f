"""The `safepassage` command as a newcomer and an operator use it."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command

from safepassage.cases.models import Person
from safepassage.environment import adopt_demo_site, demo_record_write
from safepassage.testing.people import make_person
from safepassage.vault import records
from safepassage.vault.errors import Shredded
from tests.cli import clean_env, safepassage


def run(tmp_path, *args: str):
    # The usual shell umask: files would be 0644 and directories 0755 unless the command
    # makes them private itself.
    env = clean_env(SAFEPASSAGE_VAR_DIR=str(tmp_path / "var"))
    return safepassage(env, *args, umask=0o022)


def open_to_others(var) -> list[str]:
    """Every path under ``var`` (itself included) that its group or others may use."""
    paths = [var, *var.rglob("*")]
    return [f"{p} {p.stat().st_mode & 0o777:o}" for p in paths if p.stat().st_mode & 0o077]


def test_the_demo_sets_itself_up_and_prints_the_logins(tmp_path):
    first = run(tmp_path, "demo", "--no-serve")
    assert first.returncode == 0, first.stderr
    assert "Safe Passage demo: http://127.0.0.1:8000/" in first.stdout
    assert "People in the demo: 97 in 61 cases" in first.stdout
    keys = re.findall(
        r"(\S+@demo\.safepassage\.invalid)\s+(\S+)\s+key ([A-Z2-7]{32})", first.stdout
    )
    assert {role for _email, role, _key in keys} >= {"director", "case_worker", "finance"}
    secrets_dir = tmp_path / "var" / "secrets"
    assert (secrets_dir / "vault-keyring.json").stat().st_mode & 0o077 == 0
    var = tmp_path / "var"
    assert (var / "safepassage.sqlite3").exists()
    assert any((var / "mail").iterdir())
    assert open_to_others(var) == []
    # A var/ an earlier version left open is closed by the next run.
    var.chmod(0o755)
    (var / "safepassage.sqlite3").chmod(0o644)
    # A second run reuses everything: same logins, same keys, no second organisation.
    second = run(tmp_path, "demo", "--no-serve")
    assert second.returncode == 0, second.stderr
    assert "People in the demo: 97 in 61 cases" in second.stdout
    assert open_to_others(var) == []
    assert re.findall(r"key ([A-Z2-7]{32})", second.stdout) == [k for _e, _r, k in keys]
    code = run(tmp_path, "demo", "--code", "director@demo.safepassage.invalid")
    assert re.fullmatch(r"\d{6}\n", code.stdout)
    # The keys are not in the database file.
    database = (tmp_path / "var" / "safepassage.sqlite3").read_bytes()
    keyring = (secrets_dir / "vault-keyring.json").read_text()
    master = re.search(r'"(mk-[^"]+)": "([^"]+)"', keyring).group(2)
    assert master.encode() not in database


def test_the_demo_refuses_production_settings(tmp_path):
    env_run = safepassage(clean_env(SAFEPASSAGE_MODE="production"), "demo", "--no-serve")
    assert env_run.returncode != 0


@pytest.mark.django_db
def test_createstaff_prints_a_working_invitation_link(client):
    out = StringIO()
    call_command(
        "createstaff",
        "--email",
        "First.Director@example.org",
        "--name",
        "First",
        "--role",
        "director",
        stdout=out,
    )
    link = re.search(r"https?://\S+", out.getvalue()).group(0)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    assert client.get(path).status_code == 302
    assert client.get("/accounts/welcome/").status_code == 200


@pytest.mark.django_db
def test_shred_command_destroys_one_record(capsys):
    person = make_person(real_name="Kim Shred-me", sex="female", birth_year=1970)
    keep = make_person(real_name="Kim Keep-me", sex="female")
    call_command("shred", "cases.person", person.code, "--reason", "retention", "--yes")
    with pytest.raises(Shredded):
        records.read(Person.objects.get(pk=person.pk), "real_name")
    assert records.read(Person.objects.get(pk=keep.pk), "real_name") == "Kim Keep-me"
    assert Person.objects.filter(birth_year=1970).count() == 1


@pytest.mark.django_db
def test_shred_command_rejects_unknown_codes():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match=r"no cases\.person"):
        call_command("shred", "cases.person", "NOPE1234", "--reason", "x", "--yes")


def test_the_readmes_commands_run_in_a_checkout_that_holds_the_demo(tmp_path):
    """`make demo DEMO_PORT=8123`, then the README's commands from the same folder, with
    nothing set in the environment: they find the demo site instead of asking for keys."""
    env = clean_env()
    demo = safepassage(env, "demo", "--no-serve", "--bind", "127.0.0.1:8123", cwd=tmp_path)
    assert demo.returncode == 0, demo.stderr
    assert "Safe Passage demo: http://127.0.0.1:8123/" in demo.stdout
    links = re.findall(r"https?://\S+", demo.stdout)
    assert links
    assert all(link.startswith("http://127.0.0.1:8123/") for link in links)
    var = tmp_path / "var"
    assert (var / "demo-site.json").stat().st_mode & 0o777 == 0o600
    mail = "".join(path.read_text(errors="replace") for path in (var / "mail").rglob("*"))
    assert "127.0.0.1:8123/" in mail
    assert "127.0.0.1:8000" not in mail
    for command in (["missions", "scan", "--hours", "12"], ["missions", "status"]):
        result = safepassage(env, *command, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert "must be set in production" not in result.stderr
    # The web application loads without whitenoise's "No directory at: .../static/".
    loaded = safepassage(
        env, "shell", "-c", "import safepassage.wsgi; print('loaded')", cwd=tmp_path
    )
    assert loaded.returncode == 0, loaded.stderr
    assert "loaded" in loaded.stdout
    assert "No directory at" not in loaded.stderr
    # A later run on another port prints links at that port.
    again = safepassage(env, "demo", "--no-serve", "--bind", "127.0.0.1:8124", cwd=tmp_path)
    links = re.findall(r"https?://\S+", again.stdout)
    assert links
    assert all(link.startswith("http://127.0.0.1:8124/") for link in links)


def test_a_real_sites_configuration_is_never_switched_to_the_demo(tmp_path):
    run(tmp_path, "demo", "--no-serve")
    env = clean_env(
        SAFEPASSAGE_VAR_DIR=str(tmp_path / "var"), SAFEPASSAGE_DATABASE_URL="sqlite:///x"
    )
    result = safepassage(env, "missions", "status", cwd=tmp_path)
    assert result.returncode != 0
    assert "must be set in production" in result.stderr


def test_help_lists_the_projects_commands_on_a_fresh_install(tmp_path):
    result = safepassage(clean_env(), "help", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for command in ("demo", "missions", "import_cases", "import_donations", "serve", "shred"):
        assert re.search(rf"^\s+{command}$", result.stdout, re.MULTILINE), command
    assert not (tmp_path / "var").exists()


def test_a_demo_record_others_could_have_written_is_ignored(tmp_path):
    var = tmp_path / "var"
    record = demo_record_write(var, base_url="http://127.0.0.1:8123")
    environ = {"SAFEPASSAGE_VAR_DIR": str(var)}
    assert adopt_demo_site(environ)
    assert environ["SAFEPASSAGE_MODE"] == "demo"
    assert environ["SAFEPASSAGE_BASE_URL"] == "http://127.0.0.1:8123"
    record.chmod(0o666)
    assert not adopt_demo_site({"SAFEPASSAGE_VAR_DIR": str(var)})
    record.chmod(0o600)
    assert not adopt_demo_site({"SAFEPASSAGE_VAR_DIR": str(var), "SAFEPASSAGE_MODE": "test"})
