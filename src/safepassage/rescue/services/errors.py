from __future__ import annotations

from django.core.exceptions import ValidationError


class RescueError(ValidationError):
    """Bad input for a mission: the message is safe to show to the person who sent it."""


class MissionClosed(RescueError):
    """The mission has ended: a check-in is answered clearly and not recorded."""


class KeyReused(RescueError):
    """An idempotency key came back with different content."""


class WrongPin(RescueError):
    """Neither the check-in PIN nor the duress PIN."""
