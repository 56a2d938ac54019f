"""The form-then-service step every staff view takes, written once.

A service raises ``ValidationError`` with messages safe to show; these helpers put them on
the form (``attach_errors``) or into the page's messages (``show_errors``, ``submit``).
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError


def attach_errors(form, exc: ValidationError) -> None:
    """Put a service's error on the form field it names, or above the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def show_errors(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def submit(request, form, call: Callable[[], object], success: str) -> bool:
    """Validate ``form``, run the service ``call``; errors and success become messages."""
    try:
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        call()
    except ValidationError as exc:
        show_errors(request, exc)
        return False
    messages.success(request, success)
    return True
