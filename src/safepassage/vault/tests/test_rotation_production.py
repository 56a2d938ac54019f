"""Key rotation and retirement end to end, as a production site runs them: a keyring file
named by SAFEPASSAGE_VAULT_KEYRING_FILE, the command line, a database of its own."""

from __future__ import annotations

import json
import stat
import unicodedata
from pathlib import Path

from tests.cli import production_env, safepassage

NAMES = ["김영희", unicodedata.normalize("NFD", "리순희"), "王美华", "Younghee Kim", "Sunhee"]

WRITE = (
    "from safepassage.vault.models import Secret\n"
    "for i, v in enumerate({names!r}):\n"
    "    Secret.objects.create(value=v.encode(), purpose=f'p{{i}}')\n"
)
READ = (
    "import json\n"
    "from safepassage.vault import records\n"
    "from safepassage.vault.models import Secret\n"
    "print(json.dumps([records.read(s, 'value').decode() "
    "for s in Secret.objects.order_by('purpose')]))\n"
)


def run(env: dict[str, str], *args: str) -> str:
    result = safepassage(env, *args)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def read_all(env: dict[str, str]) -> list[str]:
    return json.loads(run(env, "shell", "-c", READ).strip().splitlines()[-1])


def test_rotation_and_retirement_work_with_a_keyring_file_under_production_settings(tmp_path):
    env = production_env(tmp_path, key_id="mk-old")
    keyring = Path(env["SAFEPASSAGE_VAULT_KEYRING_FILE"])
    run(env, "migrate", "--noinput")
    run(env, "shell", "-c", WRITE.format(names=NAMES))
    assert read_all(env) == NAMES

    out = run(env, "keys", "rotate", "--new")
    assert "re-wrapped 5 data keys" in out
    assert "no longer needed: mk-old" in out
    ring = json.loads(keyring.read_text())
    assert ring["current"] != "mk-old"
    assert set(ring["keys"]) == {"mk-old", ring["current"]}
    assert read_all(env) == NAMES

    run(env, "keys", "retire", "mk-old")
    ring = json.loads(keyring.read_text())
    assert "mk-old" not in ring["keys"]
    assert "mk-old" not in keyring.read_text()
    assert read_all(env) == NAMES
    assert stat.S_IMODE(keyring.stat().st_mode) == 0o600
    assert f"{ring['current']} (current): 5 data keys" in run(env, "keys", "status")
