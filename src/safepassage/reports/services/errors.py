from __future__ import annotations

from django.core.exceptions import ValidationError


class ReportError(ValidationError):
    """A report cannot move or change this way now: the message says why, safe to show."""
