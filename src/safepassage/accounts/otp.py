"""Second factors: TOTP with a vault-sealed seed and replay protection, and recovery codes."""

from __future__ import annotations

import secrets

import segno
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django_otp.oath import TOTP

from safepassage.vault.models import CODE_ALPHABET

RECOVERY_CODE_COUNT = 10


def _clean_token(token) -> str:
    return "".join(str(token).split()).replace("-", "").upper()


def verify_totp(device, token) -> bool:
    """Accept a code once: a code already used (or an older one) is refused as a replay."""
    token = _clean_token(token)
    if not token.isdigit() or len(token) != device.digits:
        return False
    with transaction.atomic():
        # Lock the device so two simultaneous submissions of one code cannot both pass.
        locked = type(device).objects.select_for_update().get(pk=device.pk)
        totp = TOTP(locked.seed, locked.step, 0, locked.digits, 0)
        totp.time = timezone.now().timestamp()
        if not totp.verify(int(token), locked.tolerance, locked.last_t + 1):
            return False
        locked.last_t = totp.t()
        locked.save(update_fields=["last_t"])
        device.last_t = locked.last_t
    return True


def new_seed() -> bytes:
    return secrets.token_bytes(20)


def device_create(*, user, name: str, confirmed: bool, seed: bytes | None = None):
    """A TOTP device whose seed goes straight into a vault Secret."""
    from safepassage.accounts.models import TOTPDevice
    from safepassage.vault.models import Secret

    secret = Secret(purpose="totp seed")
    secret.value = seed if seed is not None else new_seed()
    secret.save()
    return TOTPDevice.objects.create(user=user, name=name, confirmed=confirmed, secret=secret)


def devices_delete(queryset) -> None:
    """Delete TOTP devices together with their sealed seeds and data keys."""
    from safepassage.vault import records

    for device in queryset.select_related("secret"):
        secret = device.secret
        device.delete()
        records.destroy(secret)


def provisioning_uri(device, *, account: str) -> str:
    from base64 import b32encode
    from urllib.parse import quote, urlencode

    secret = b32encode(device.seed).decode().rstrip("=")
    issuer = settings.OTP_TOTP_ISSUER
    query = urlencode(
        {
            "secret": secret,
            "issuer": issuer,
            "digits": device.digits,
            "period": device.step,
            "algorithm": "SHA1",
        }
    )
    return f"otpauth://totp/{quote(issuer)}:{quote(account)}?{query}"


def readable_secret(device) -> str:
    from base64 import b32encode

    secret = b32encode(device.seed).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(uri: str) -> str:
    """The enrolment QR code as inline SVG markup (no script, no external request)."""
    return segno.make(uri, error="m").svg_inline(scale=4, dark="#111", light="#fff")


def recovery_digest(code: str) -> str:
    return salted_hmac(
        "safepassage.recovery-code", _clean_token(code), algorithm="sha256"
    ).hexdigest()


def new_recovery_codes() -> list[str]:
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def verify_recovery_code(device, token) -> bool:
    from safepassage.accounts.models import RecoveryCode

    digest = recovery_digest(str(token))
    used = RecoveryCode.objects.filter(device=device, digest=digest, used_at__isnull=True).update(
        used_at=timezone.now()
    )
    return used == 1
