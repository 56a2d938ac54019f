from __future__ import annotations

from django.core.exceptions import ValidationError


class FundsError(ValidationError):
    """Bad input for money: the message names the field and is safe to show."""


class RestrictionOverdrawn(FundsError):
    """Spending restricted money beyond its balance without an explicit override."""


class Unbalanced(Exception):
    """A posting whose entries do not sum to zero: a bug, never user input."""
