class VaultError(Exception):
    """Base of every vault failure. Messages name keys and fields, never values."""


class VaultKeyMissing(VaultError):
    """A master key or the keyring itself cannot be found."""


class VaultIntegrityError(VaultError):
    """Ciphertext failed authentication: wrong key, tampering, or moved to another row."""


class Shredded(VaultError):
    """The record's data key was destroyed; its protected values are gone for good."""
