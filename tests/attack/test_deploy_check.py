"""Django's deployment checklist, under production settings as an operator sets them."""

from __future__ import annotations

import base64
import json
import secrets

from tests.attack.figures import report
from tests.cli import clean_env, safepassage


def production_env(tmp_path) -> dict[str, str]:
    """Fresh random secrets, a keyring file, a PostgreSQL URL and the https address."""
    keyring = tmp_path / "keyring.json"
    key = base64.b64encode(secrets.token_bytes(32)).decode()
    keyring.write_text(json.dumps({"current": "k1", "keys": {"k1": key}}), encoding="utf-8")
    keyring.chmod(0o600)
    return clean_env(
        SAFEPASSAGE_MODE="production",
        SAFEPASSAGE_SECRET_KEY=secrets.token_urlsafe(50),
        SAFEPASSAGE_ALLOWED_HOSTS="safepassage.example.org",
        SAFEPASSAGE_BASE_URL="https://safepassage.example.org",
        SAFEPASSAGE_VAULT_KEYRING_FILE=str(keyring),
        SAFEPASSAGE_BLIND_INDEX_KEY=secrets.token_urlsafe(32),
        SAFEPASSAGE_AUDIT_KEY=secrets.token_urlsafe(32),
        SAFEPASSAGE_DATABASE_URL="postgres://safepassage@db.internal/safepassage",
        SAFEPASSAGE_VAR_DIR=str(tmp_path / "var"),
    )


def test_the_deploy_check_passes_at_warning_level(tmp_path):
    result = safepassage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    report("deploy check", warnings=result.stderr.count("WARNINGS"), errors=result.returncode)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
