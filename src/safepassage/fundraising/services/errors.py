from __future__ import annotations

from django.core.exceptions import ValidationError


class FundraisingError(ValidationError):
    """Bad input for fundraising: the message names the field and is safe to show."""
