"""Copies of the head kept outside the database: the anchor file.

``write`` appends each chain's head (seq, hash, MAC, time; see ``chains``) as a JSON line to
``settings.AUDIT_ANCHOR_FILE``, opened O_APPEND and created 0600. Put that file where the
database server cannot write (another machine's mount, a write-once store): someone who can
rewrite the database, even with the audit key, then cannot make the log shorter or different
from what was anchored without ``safepassage audit verify`` saying so. The periodic task
``audit.tasks.anchor_head`` writes one every hour; ``safepassage audit anchor`` writes one now.
With ``settings.AUDIT_ANCHOR_MAIL`` the task also e-mails the head to every active director
(``mail``), a copy kept in their mailboxes that ``audit verify --head HASH`` can use.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from safepassage.audit import chains
from safepassage.audit.hashing import head_mac_ok
from safepassage.audit.models import AuditHead


class AnchorError(Exception):
    """The anchor file cannot be trusted: a line is malformed or fails authentication."""


def anchor_path() -> Path | None:
    """The configured anchor file, or None when anchoring to a file is switched off."""
    value = settings.AUDIT_ANCHOR_FILE
    return Path(value) if value else None


def write(*, path: Path | None = None) -> tuple[int, str]:
    """Append the current head to the anchor file; returns the (seq, hash) anchored.

    Refuses (AnchorError) a head whose MAC is wrong: anchoring it would vouch for a forgery.
    """
    path = path or anchor_path()
    if path is None:
        raise AnchorError("no anchor file is configured (SAFEPASSAGE_AUDIT_ANCHOR_FILE)")
    seq, digest, line = _current()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, (line + "\n").encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)
    return seq, digest


def mail() -> tuple[int, int]:
    """E-mail the current head to every active director in their language; returns the
    (seq, number of messages sent). Refuses a head whose MAC is wrong, as ``write`` does."""
    from django.contrib.auth import get_user_model

    from safepassage.accounts.models import Role

    seq, digest, line = _current()
    directors = get_user_model().objects.filter(is_active=True, roles__code=Role.Code.DIRECTOR)
    sent = 0
    for user in directors.distinct().order_by("email"):
        with translation.override(user.language):
            subject = _("Audit log anchor: entry %(seq)s") % {"seq": seq}
            body = _(
                "Keep this message. It records the audit log's latest entry; "
                "`safepassage audit verify --head %(hash)s` checks that the log still "
                "holds it, so a log cut short or rewritten since is found."
            ) % {"hash": digest}
        EmailMultiAlternatives(subject=subject, body=f"{body}\n\n{line}\n", to=[user.email]).send()
        sent += 1
    return seq, sent


def _current() -> tuple[int, str, str]:
    """Chain 1's head as (seq, hash) and the anchor lines of every chain with entries (one
    line each, chain 1's first); AnchorError if a head is missing or forged: anchoring a
    forged head would vouch for it."""
    rows = list(AuditHead.objects.order_by("id").values_list("id", "seq", "hash", "mac"))
    if not rows or rows[0][0] != 1 or not all(head_mac_ok(*row[1:]) for row in rows):
        raise AnchorError("the audit head is missing or fails authentication; not anchored")
    at = timezone.now().isoformat()
    lines = [
        json.dumps({"seq": seq, "hash": digest, "mac": mac, "at": at}, separators=(",", ":"))
        for chain, seq, digest, mac in rows
        if chain == 1 or seq > chains.base(chain)
    ]
    return rows[0][1], rows[0][2], "\n".join(lines)


def read(path: Path | None = None) -> list[tuple[int, str]]:
    """Every (seq, hash) anchored so far, oldest first ([] if there is no file yet)."""
    path = path or anchor_path()
    if path is None or not path.exists():
        return []
    anchors = []
    with path.open(encoding="ascii") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                item = json.loads(line)
                seq, digest, mac = int(item["seq"]), str(item["hash"]), str(item["mac"])
            except (ValueError, KeyError, TypeError):
                raise AnchorError(f"anchor file line {number} is malformed") from None
            if not head_mac_ok(seq, digest, mac):
                raise AnchorError(f"anchor file line {number} fails authentication")
            anchors.append((seq, digest))
    return anchors
