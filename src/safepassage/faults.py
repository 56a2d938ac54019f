"""Named fault points, for the tests that kill a process half-way (``tests/faults/``).

``SAFEPASSAGE_FAULT_AT=label`` makes the process kill itself with SIGKILL (no clean-up, no
rollback handler, exactly like ``kill -9`` or a power cut) the first time it reaches
``point("label")``; ``label@3`` waits for the third time. Only in test mode: settings refuse
the variable otherwise, and ``point`` checks the mode again, so no production process can be
told to die by its environment.
"""

from __future__ import annotations

import os
import signal

VARIABLE = "SAFEPASSAGE_FAULT_AT"
_reached: dict[str, int] = {}


def point(label: str) -> None:
    """Die here if the test asked for it; otherwise do nothing."""
    wanted = os.environ.get(VARIABLE)
    if not wanted:
        return
    name, _at, nth = wanted.partition("@")
    if name != label:
        return
    from django.conf import settings

    if settings.MODE != "test":
        return
    _reached[label] = _reached.get(label, 0) + 1
    if _reached[label] >= int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)
