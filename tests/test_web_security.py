"""Headers, error pages and settings that must hold on every response."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from django.urls import path

from safepassage.testing.members import signed_in_client
from tests.cli import clean_env, safepassage

pytestmark = pytest.mark.django_db


def boom(request):
    raise RuntimeError("secret internal detail /srv/safepassage/settings.py")


urlpatterns = [path("boom/", boom)]
handler500 = "safepassage.web.views.server_error"


def test_every_html_page_has_a_strict_content_security_policy(client):
    response = client.get("/accounts/login/")
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    assert "script-src 'self' 'nonce-" in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    nonce = policy.split("'nonce-", 1)[1].split("'", 1)[0]
    assert f'nonce="{nonce}"'.encode() in response.content


def test_the_admin_has_the_policy_too(director):
    from safepassage.accounts.models import Role
    from safepassage.testing.members import make_member

    superuser = make_member(Role.Code.DIRECTOR, superuser=True)
    response = signed_in_client(superuser).get("/admin/")
    assert response.status_code == 200
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_an_unknown_url_gets_a_friendly_404(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert b"There is nothing here" in response.content


def test_a_crash_answers_with_a_generic_page(settings):
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    assert b"Something went wrong" in response.content
    assert b"secret internal detail" not in response.content
    assert b"Traceback" not in response.content


def test_a_form_without_a_csrf_token_gets_a_friendly_403():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"email": "a@example.org", "password": "x"})
    assert response.status_code == 403
    assert b"Form expired" in response.content
    assert b"CSRF" not in response.content


def test_an_oversized_post_is_refused_and_nothing_is_written(client, settings):
    from safepassage.audit.models import AuditEntry

    before = AuditEntry.objects.count()
    response = client.post(
        "/accounts/login/", {"email": "a@example.org", "password": "x" * (3 * 1024 * 1024)}
    )
    assert response.status_code == 413
    assert b"Too much sent at once" in response.content
    assert AuditEntry.objects.count() == before


def test_a_malformed_form_post_gets_a_clear_answer(client):
    response = client.post("/accounts/login/", {"email": "not an address", "password": ""})
    assert response.status_code == 400
    assert b"E-mail or password is wrong." in response.content


def test_responses_carry_a_request_id(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert len(response["X-Request-ID"]) >= 8


def _production_env(tmp_path: Path, **overrides) -> dict[str, str]:
    keyring = tmp_path / "keyring.json"
    keyring.write_text('{"current": "k1", "keys": {"k1": "' + "A" * 43 + '="}}', encoding="utf-8")
    env = clean_env(
        SAFEPASSAGE_MODE="production",
        SAFEPASSAGE_SECRET_KEY="p" + "x9Y!k2@Lm4#Qr6$Tv8%Wz0^Bd3&Fh5*Jn7(" * 2,
        SAFEPASSAGE_ALLOWED_HOSTS="safepassage.example.org",
        SAFEPASSAGE_BASE_URL="https://safepassage.example.org",
        SAFEPASSAGE_VAULT_KEYRING_FILE=str(keyring),
        SAFEPASSAGE_BLIND_INDEX_KEY="blind-index-key-for-the-deploy-check-0123456789",
        SAFEPASSAGE_AUDIT_KEY="audit-key-for-the-deploy-check-0123456789abcdef",
        SAFEPASSAGE_DATABASE_URL="postgres://user@db.invalid/safepassage",
        SAFEPASSAGE_VAR_DIR=str(tmp_path / "var"),
    )
    env.update(overrides)
    return env


def test_production_settings_pass_the_deploy_check(tmp_path):
    result = safepassage(_production_env(tmp_path), "check", "--deploy", "--fail-level", "DEBUG")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("SAFEPASSAGE_SECRET_KEY", "SAFEPASSAGE_SECRET_KEY"),
        ("SAFEPASSAGE_ALLOWED_HOSTS", "SAFEPASSAGE_ALLOWED_HOSTS"),
        ("SAFEPASSAGE_VAULT_KEYRING_FILE", "vault needs its master keys"),
        ("SAFEPASSAGE_AUDIT_KEY", "SAFEPASSAGE_AUDIT_KEY"),
        ("SAFEPASSAGE_BLIND_INDEX_KEY", "SAFEPASSAGE_BLIND_INDEX_KEY"),
    ],
)
def test_production_refuses_to_start_without(tmp_path, missing, message):
    env = _production_env(tmp_path)
    del env[missing]
    result = safepassage(env, "check")
    assert result.returncode != 0
    assert message in result.stderr


def test_production_refuses_debug(tmp_path):
    result = safepassage(_production_env(tmp_path, SAFEPASSAGE_DEBUG="true"), "check")
    assert result.returncode != 0
    assert "SAFEPASSAGE_DEBUG cannot be on in production" in result.stderr


def test_a_secret_may_come_from_a_file(tmp_path):
    env = _production_env(tmp_path)
    secret_file = tmp_path / "audit.key"
    secret_file.write_text(env.pop("SAFEPASSAGE_AUDIT_KEY") + "\n", encoding="utf-8")
    env["SAFEPASSAGE_AUDIT_KEY_FILE"] = str(secret_file)
    result = safepassage(env, "check", "--deploy", "--fail-level", "DEBUG")
    assert result.returncode == 0, result.stderr


def test_the_stylesheet_and_htmx_are_served(client):
    for url in ("/static/safepassage/site.css", "/static/safepassage/htmx.min.js"):
        response = client.get(url)
        assert response.status_code == 200, url
        b"".join(response.streaming_content)
