"""Master keys, kept outside the database.

A keyring is a small JSON document::

    {"current": "mk-20261124-3f9a", "keys": {"mk-20261124-3f9a": "<32 bytes, base64>"}}

It lives in a file (``SAFEPASSAGE_VAULT_KEYRING_FILE``, mode 0600) or inline in
``SAFEPASSAGE_VAULT_KEYRING``. Master keys only ever wrap data keys; they never touch a
field directly, so rotating one means re-wrapping a few bytes per record.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from safepassage import faults
from safepassage.vault.errors import VaultKeyMissing

KEY_BYTES = 32


@dataclass(frozen=True)
class Keyring:
    current: str
    keys: dict[str, bytes]
    path: Path | None = None

    def key(self, key_id: str) -> bytes:
        try:
            return self.keys[key_id]
        except KeyError:
            raise VaultKeyMissing(
                f"vault master key {key_id!r} is not in the keyring; restore it from the "
                "key backup or re-run the rotation that retired it too early"
            ) from None

    def to_json(self) -> str:
        encoded = {kid: base64.b64encode(key).decode() for kid, key in self.keys.items()}
        return json.dumps({"current": self.current, "keys": encoded}, indent=2, sort_keys=True)


def parse(document: str, *, path: Path | None = None) -> Keyring:
    where = str(path) if path else "SAFEPASSAGE_VAULT_KEYRING"
    try:
        raw = json.loads(document)
        keys = {
            str(kid): base64.b64decode(value, validate=True) for kid, value in raw["keys"].items()
        }
        current = str(raw["current"])
    except (ValueError, KeyError, TypeError, AttributeError):
        raise VaultKeyMissing(f"the vault keyring in {where} is not valid") from None
    if any(len(key) != KEY_BYTES for key in keys.values()):
        raise VaultKeyMissing(f"every key in the vault keyring in {where} must be 32 bytes")
    if current not in keys:
        raise VaultKeyMissing(f"the current key {current!r} is missing from {where}")
    return Keyring(current=current, keys=keys, path=path)


def new_key_id() -> str:
    return f"mk-{timezone.now():%Y%m%d}-{secrets.token_hex(3)}"


def write(keyring: Keyring, path: Path) -> None:
    """Replace the keyring file atomically, readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(path.name + f".{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(keyring.to_json())
        handle.flush()
        os.fsync(handle.fileno())
    faults.point("vault.keyring.before_replace")
    os.replace(tmp, path)
    _cache.clear()


_cache: dict[str, Keyring] = {}


def load() -> Keyring:
    """The keyring in force; a demo or test site creates its own on first use."""
    inline = settings.VAULT_KEYRING
    if inline:
        cached = _cache.get("inline")
        if cached is None:
            cached = _cache["inline"] = parse(inline)
        return cached
    path = Path(settings.VAULT_KEYRING_FILE)
    mtime = path.stat().st_mtime_ns if path.exists() else None
    key = f"{path}:{mtime}"
    cached = _cache.get(key)
    if cached is not None:
        return cached
    if mtime is None:
        if not settings.VAULT_CREATE_KEYRING:
            raise VaultKeyMissing(f"the vault keyring file {path} does not exist")
        kid = new_key_id()
        write(Keyring(current=kid, keys={kid: secrets.token_bytes(KEY_BYTES)}), path)
        return load()
    keyring = parse(path.read_text(encoding="utf-8"), path=path)
    _cache.clear()
    _cache[key] = keyring
    return keyring


def add_key() -> Keyring:
    """Add a fresh master key to the keyring file and make it current."""
    keyring = load()
    if keyring.path is None:
        raise VaultKeyMissing(
            "the keyring is given inline (SAFEPASSAGE_VAULT_KEYRING); use a keyring file "
            "(SAFEPASSAGE_VAULT_KEYRING_FILE) to rotate from the command line"
        )
    kid = new_key_id()
    keys = dict(keyring.keys)
    keys[kid] = secrets.token_bytes(KEY_BYTES)
    updated = Keyring(current=kid, keys=keys, path=keyring.path)
    write(updated, keyring.path)
    return updated


def remove_key(key_id: str) -> Keyring:
    keyring = load()
    if keyring.path is None:
        raise VaultKeyMissing("the keyring is given inline; remove the key where it is kept")
    if key_id == keyring.current:
        raise VaultKeyMissing(f"{key_id!r} is the current master key and cannot be retired")
    keyring.key(key_id)
    keys = {kid: key for kid, key in keyring.keys.items() if kid != key_id}
    updated = Keyring(current=keyring.current, keys=keys, path=keyring.path)
    write(updated, keyring.path)
    return updated
