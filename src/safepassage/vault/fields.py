"""``ProtectedField``: one line declares an encrypted value with its pseudonym and index.

::

    class Person(VaultRecord):
        real_name = ProtectedField(_("real name"), mask=masks.name, blind_index=True)
        photo = ProtectedField(_("photo"), binary=True)

adds the columns ``real_name`` (ciphertext, attribute ``real_name_sealed``),
``real_name_masked`` (the pseudonym, "Kim OO") and ``real_name_bidx`` (a keyed hash for
exact-match search). ``person.real_name = "Kim Young-hee"`` stages the plain value; saving
seals it. Reading ``person.real_name`` gives a :class:`ProtectedValue` whose text is the
pseudonym: templates, logs and error pages can only ever show the mask. The plain value
comes out through ``vault.services.reveal`` (audited) or ``vault.records.read`` (for
system work that the caller has already authorised).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models

from safepassage.vault import masks as mask_functions


def normalise_text(value: str) -> str:
    return " ".join(value.casefold().split())


def normalise_phone(value: str) -> str:
    digits = "".join(c for c in value if c.isdigit())
    return digits.lstrip("0") if value.strip().startswith("+") else digits


@dataclass
class _Pending:
    value: str | bytes | None
    surname: str | None = None  # for a name's mask, when the caller knows it


class ProtectedValue:
    """What a protected attribute reads as: the pseudonym, never the plain value."""

    __slots__ = ("field", "instance")

    def __init__(self, instance, field: ProtectedField) -> None:
        self.instance = instance
        self.field = field

    @property
    def is_set(self) -> bool:
        pending = self.instance.__dict__.get(self.field.pending_attr)
        if pending is not None:
            return pending.value is not None
        if self.field.mask_attname:
            # The mask is non-empty exactly when a value is set; reading it instead of the
            # (usually deferred) ciphertext keeps lists free of a query per row.
            return bool(getattr(self.instance, self.field.mask_attname))
        return getattr(self.instance, self.field.sealed_attname) is not None

    @property
    def is_shredded(self) -> bool:
        data_key = getattr(self.instance, "data_key", None)
        return bool(data_key and data_key.shredded_at)

    @property
    def masked(self) -> str:
        if not self.is_set:
            return ""
        if self.field.mask_attname:
            return getattr(self.instance, self.field.mask_attname) or mask_functions.HIDDEN
        return mask_functions.HIDDEN

    def __str__(self) -> str:
        return self.masked

    def __repr__(self) -> str:
        return f"<protected {self.field.name}>"

    def __bool__(self) -> bool:
        return self.is_set

    def __html__(self) -> str:
        from django.utils.html import escape

        return escape(self.masked)


class _ProtectedAttribute(property):
    """A ``property`` subclass so that ``Model(real_name=...)`` accepts the keyword."""

    def __init__(self, field: ProtectedField) -> None:
        self.field = field
        super().__init__(self._get, self._set)

    def _get(self, instance) -> ProtectedValue:
        return ProtectedValue(instance, self.field)

    def _set(self, instance, value) -> None:
        if isinstance(value, ProtectedValue):
            raise TypeError("copy protected values with vault.records.read, not by assignment")
        self.field.stage(instance, value)


class ProtectedField:
    """Declares a protected value; contributes its columns to the model."""

    def __init__(
        self,
        verbose_name: str = "",
        *,
        binary: bool = False,
        mask: Callable[[str], str] | None = None,
        blind_index: bool = False,
        normalise: Callable[[str], str] = normalise_text,
    ) -> None:
        if binary and (mask or blind_index):
            raise ValueError("binary protected values have neither masks nor blind indexes")
        self.verbose_name = verbose_name
        self.binary = binary
        self.mask = mask
        self.blind_index = blind_index
        self.normalise = normalise
        self.name = ""
        self.model: type[models.Model] | None = None

    @property
    def sealed_attname(self) -> str:
        return f"{self.name}_sealed"

    @property
    def mask_attname(self) -> str | None:
        return f"{self.name}_masked" if self.mask else None

    @property
    def index_attname(self) -> str | None:
        return f"{self.name}_bidx" if self.blind_index else None

    @property
    def pending_attr(self) -> str:
        return f"_vault_pending_{self.name}"

    @property
    def column_names(self) -> list[str]:
        return [n for n in (self.sealed_attname, self.mask_attname, self.index_attname) if n]

    def contribute_to_class(self, cls, name: str) -> None:
        self.name = name
        self.model = cls
        cls.add_to_class(
            self.sealed_attname,
            models.BinaryField(
                self.verbose_name, null=True, blank=True, editable=False, db_column=name
            ),
        )
        if self.mask:
            cls.add_to_class(
                self.mask_attname,
                models.CharField(max_length=120, blank=True, default="", editable=False),
            )
        if self.blind_index:
            cls.add_to_class(
                self.index_attname,
                models.CharField(
                    max_length=64, null=True, blank=True, editable=False, db_index=True
                ),
            )
        setattr(cls, name, _ProtectedAttribute(self))
        registry = cls.__dict__.get("_vault_fields")
        if registry is None:
            inherited = getattr(cls, "_vault_fields", {})
            registry = dict(inherited)
            cls._vault_fields = registry
        registry[name] = self

    def aad(self, instance) -> bytes:
        return self.aad_for(instance._meta.db_table, instance.pk)

    def aad_for(self, table: str, pk) -> bytes:
        """The associated data of this field's value in row ``pk`` of ``table``."""
        return f"{table}.{self.name}.{pk}".encode()

    def stage(self, instance, value, *, surname: str | None = None) -> None:
        """Stage a plain value, as assigning it does; ``surname`` (a name's, when the
        caller has it in a field of its own) is given to the mask instead of guessed."""
        if surname is not None and self.mask is not mask_functions.name:
            raise ValueError(f"{self.name} is not masked as a name")
        instance.__dict__[self.pending_attr] = _Pending(self.clean(value), surname)

    def masked(self, value: str, surname: str | None = None) -> str:
        """The mask column's value for a non-empty plain ``value``."""
        shown = self.mask(value, surname) if surname else self.mask(value)
        return shown[:120] or mask_functions.HIDDEN

    def clean(self, value):
        """A value as assigning it stages it: type-checked, text stripped."""
        if value is not None:
            expected = bytes if self.binary else str
            if not isinstance(value, expected):
                raise TypeError(f"{self.name} takes {expected.__name__}")
            if not self.binary:
                value = value.strip()
        return value


def protected_fields(model_or_instance) -> dict[str, ProtectedField]:
    return getattr(model_or_instance, "_vault_fields", {})
