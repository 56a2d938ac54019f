"""The fault hook is a test-only tool: any other mode refuses to start with it set."""

from __future__ import annotations

import pytest

from tests.cli import clean_env, safepassage


@pytest.mark.parametrize("mode", ["production", "demo"])
def test_a_fault_point_outside_test_mode_refuses_to_start(tmp_path, mode):
    env = clean_env(
        SAFEPASSAGE_MODE=mode,
        SAFEPASSAGE_FAULT_AT="vault.shred.key_destroyed",
        SAFEPASSAGE_VAR_DIR=str(tmp_path),
    )
    result = safepassage(env, "check")
    assert result.returncode != 0
    assert "SAFEPASSAGE_FAULT_AT (fault injection) is for test mode only" in result.stderr
