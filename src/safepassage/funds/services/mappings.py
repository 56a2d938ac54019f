"""Saved column mappings for generic CSV imports (cash books, event sheets)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from safepassage.audit.chain import record
from safepassage.funds.importing import mapped_csv
from safepassage.funds.importing import rows as r
from safepassage.funds.models import ColumnMapping
from safepassage.funds.services.errors import FundsError


@transaction.atomic
def mapping_save(*, actor, name: str, columns: dict, defaults: dict) -> ColumnMapping:
    """Create or replace the mapping called ``name``; refused unless an import can use it."""
    name = " ".join(name.split())
    if not name:
        raise FundsError({"name": _("A mapping needs a name.")})
    columns = {k: " ".join(str(v).split()) for k, v in columns.items() if str(v).strip()}
    defaults = {k: str(v).strip() for k, v in defaults.items() if str(v).strip()}
    candidate = ColumnMapping(name=name, columns=columns, defaults=defaults)
    try:
        mapped_csv.check_mapping(candidate)
    except r.Unreadable as exc:
        raise FundsError({"columns": exc.problem.reason}) from None
    mapping, created = ColumnMapping.objects.update_or_create(
        name=name, defaults={"columns": columns, "defaults": defaults}
    )
    record(
        actor=actor,
        action="funds.mapping_saved",
        data={"name": name, "columns": columns, "defaults": defaults, "new": created},
    )
    return mapping
