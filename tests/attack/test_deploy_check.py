"""Django's deployment checklist, under production settings as an operator sets them."""

from __future__ import annotations

from tests.attack.figures import report
from tests.cli import production_env, safepassage


def test_the_deploy_check_passes_at_warning_level(tmp_path):
    result = safepassage(
        production_env(
            tmp_path,
            SAFEPASSAGE_DATABASE_URL="postgres://safepassage@db.internal/safepassage",
            SAFEPASSAGE_ALLOW_SQLITE="",
        ),
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    report("deploy check", warnings=result.stderr.count("WARNINGS"), errors=result.returncode)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
