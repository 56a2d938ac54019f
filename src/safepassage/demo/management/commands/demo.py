"""``safepassage demo``: a complete local Safe Passage on SQLite, in one command.

Migrates, creates the demo organisation once (staff for every role, each with a password
and an authenticator; two teams; two years of generated cases in every state, see
``demo.organisation``; missions, money and Hope Sharing, see ``demo.missions``,
``demo.money`` and ``demo.hope``), then serves it with a worker beside it and prints the
address and the logins. Running it again reuses what exists.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import secrets
import subprocess
import sys
from base64 import b32encode
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django_otp.oath import TOTP

from safepassage.accounts import otp
from safepassage.accounts import services as account_services
from safepassage.accounts.models import Role, TOTPDevice, User
from safepassage.cases import services as case_services
from safepassage.cases.models import Case, Person
from safepassage.demo import hope, missions, money, organisation, reports
from safepassage.environment import demo_record_write, make_private, private_directory
from safepassage.rescue.models import Mission, MissionStatus

DEMO_DOMAIN = "demo.safepassage.invalid"
STAFF = [
    ("director", "Director Han", Role.Code.DIRECTOR, "ko"),
    ("caseworker", "Case worker Yun", Role.Code.CASE_WORKER, "ko"),
    ("caseworker-south", "Case worker Park", Role.Code.CASE_WORKER, "ko"),
    ("coordinator", "Coordinator Ryu", Role.Code.RESCUE_COORDINATOR, "ko"),
    ("finance", "Finance officer Cho", Role.Code.FINANCE, "en"),
    ("comms", "Communications Kang", Role.Code.COMMUNICATIONS, "en"),
    ("advocacy", "Advocacy officer Lim", Role.Code.ADVOCACY, "en"),
]
# Case workers see their teams' cases only.
TEAMS = {"north": ("North team", "caseworker"), "south": ("South team", "caseworker-south")}
SEED = 1996


class Command(BaseCommand):
    help = "Create (once) and serve the demo organisation (at --bind, 127.0.0.1:8000 by default)."

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="set up, print, and stop")
        parser.add_argument("--code", metavar="EMAIL", help="print a demo user's current code")
        parser.add_argument("--bind", default="127.0.0.1:8000")

    def handle(self, *args, no_serve: bool, code: str | None, bind: str, **options):
        if settings.MODE == "production":
            raise CommandError("the demo refuses to run with production settings")
        if code:
            self.stdout.write(current_code(code))
            return
        # A var/ made by an earlier version was left readable by everyone on the machine.
        make_private(Path(settings.VAR_DIR))
        # The checkout now holds a demo site: the README's other commands find it.
        demo_record_write(Path(settings.VAR_DIR), base_url=settings.BASE_URL)
        # Static files come from the apps (finders); the folder only has to exist, or the
        # server warns about it at start.
        private_directory(Path(settings.STATIC_ROOT))
        call_command("migrate", interactive=False, verbosity=0)
        logins = self._logins_file()
        if not User.objects.filter(email__endswith="@" + DEMO_DOMAIN).exists():
            self.stdout.write("Creating the demo organisation...")
            self._create_organisation(logins)
        self._print(logins)
        if not no_serve:
            self._serve(bind)

    def _logins_file(self) -> dict:
        path = Path(settings.SECRETS_DIR) / "demo-logins.json"
        if path.exists():
            return json.loads(path.read_text(encoding="utf-8"))
        logins = {
            "password": "demo-" + secrets.token_urlsafe(9),
        }
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(logins, handle)
        return logins

    def _save_logins(self, logins: dict) -> None:
        path = Path(settings.SECRETS_DIR) / "demo-logins.json"
        fd = os.open(path, os.O_WRONLY | os.O_TRUNC)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(logins, handle)

    @transaction.atomic
    def _create_organisation(self, logins: dict) -> None:
        """Staff and teams as of two years ago, then the cases of the two years since."""
        now = timezone.now()
        with organisation.clock(now - dt.timedelta(days=365 * organisation.YEARS)):
            self._create_staff(logins)
            teams, workers = {}, {}
            for key, (name, slug) in TEAMS.items():
                workers[key] = User.objects.get(email=f"{slug}@{DEMO_DOMAIN}")
                teams[key] = case_services.team_create(
                    actor="demo", name=name, members=[workers[key]]
                )
        rng = random.Random(SEED)  # noqa: S311  (demo data, not security)
        organisation.create_cases(rng, now=now, teams=teams, workers=workers)
        # A link is shown only when it is issued: the logins file keeps one for every run.
        logins["check_in"] = missions.create_missions(
            random.Random(SEED + 1),  # noqa: S311
            now=now,
            coordinator=User.objects.get(email=f"coordinator@{DEMO_DOMAIN}"),
            director=User.objects.get(email=f"director@{DEMO_DOMAIN}"),
        )
        money.create_money(
            random.Random(SEED + 2),  # noqa: S311
            now=now,
            finance=User.objects.get(email=f"finance@{DEMO_DOMAIN}"),
            director=User.objects.get(email=f"director@{DEMO_DOMAIN}"),
        )
        # Hope Sharing: its sponsor page link is shown once, like the check-in link.
        logins["hope"] = hope.create_hope(
            random.Random(SEED + 3),  # noqa: S311
            now=now,
            staff={
                slug: User.objects.get(email=f"{slug}@{DEMO_DOMAIN}")
                for slug in ("director", "finance", "comms", "coordinator")
            },
        )
        logins["reports"] = reports.create_reports(
            random.Random(SEED + 4),  # noqa: S311
            now=now,
            staff={
                slug: User.objects.get(email=f"{slug}@{DEMO_DOMAIN}")
                for slug in ("director", "comms", "caseworker")
            },
        )
        self._save_logins(logins)

    def _create_staff(self, logins: dict) -> None:
        for slug, name, role, language in STAFF:
            user = User.objects.create_user(
                email=f"{slug}@{DEMO_DOMAIN}",
                password=logins["password"],
                display_name=name,
                language=language,
            )
            user.roles.set(Role.objects.filter(code=role))
            otp.device_create(user=user, name="demo authenticator", confirmed=True)
            account_services.recovery_codes_replace(user=user)
            if role == Role.Code.DIRECTOR:
                account_services.user_make_superuser(user=user, actor="demo")

    def _print(self, logins: dict) -> None:
        out = self.stdout.write
        out("")
        out(f"Safe Passage demo: {settings.BASE_URL}/")
        out(f"People in the demo: {Person.objects.count()} in {Case.objects.count()} cases")
        under_way = Mission.objects.filter(status=MissionStatus.UNDER_WAY).count()
        out(f"Missions in the demo: {Mission.objects.count()} ({under_way} under way)")
        out(money.summary())
        hoped = hope.summary()
        if hoped:
            out(hoped)
        out(f"Every demo login uses the password: {logins['password']}")
        out("Second factor: add the key to an authenticator app, or print the current code with")
        out("  .venv/bin/safepassage demo --code EMAIL")
        devices = list(
            TOTPDevice.objects.filter(user__email__endswith="@" + DEMO_DOMAIN, confirmed=True)
            .select_related("user")
            .order_by("user__email")
        )
        width = max((len(device.user.email) for device in devices), default=0)
        for device in devices:
            key = b32encode(device.seed).decode().rstrip("=")
            roles = ", ".join(sorted(device.user.role_codes()))
            out(f"  {device.user.email:<{width}} {roles:<20} key {key}")
        link = logins.get("check_in")
        if link:
            out(f"Field partner {link['partner']}'s check-in page for mission {link['mission']}:")
            out(f"  {here(link['url'])}")
            out(f"  PIN {link['pin']}; duress PIN {link['duress_pin']} (answers as normal,")
            out("  but silently flags the mission as compromised and alerts the coordinator)")
        story = logins.get("hope")
        if story:
            out(
                f"Hope Sharing: sponsor {story['sponsor']}'s gift paid for a mother's and her"
                f" child's rescue (mission {story['mission']}); the sponsor's page:"
            )
            out(f"  {here(story['page'])}")
            if story.get("mail"):
                out("The sponsor's e-mail (in Korean) telling them of the arrival:")
                out(f"  {story['mail']}")
        waiting = logins.get("reports")
        if waiting:
            out("A report waits for the director's review and publication:")
            out(f"  {settings.BASE_URL}{waiting['review']}")
            out(f"Published reports (and their feed): {settings.BASE_URL}{waiting['public']}")
        out("")

    def _serve(self, bind: str) -> None:
        env = dict(os.environ, SAFEPASSAGE_MODE="demo")
        worker = subprocess.Popen(
            [sys.executable, "-m", "safepassage", "worker", "--no-startup-delay"], env=env
        )
        try:
            subprocess.run(  # noqa: S603
                [sys.executable, "-m", "safepassage", "serve", "--bind", bind],
                env=env,
                check=False,
            )
        except KeyboardInterrupt:
            pass
        finally:
            worker.terminate()
            worker.wait(timeout=10)


def here(url: str) -> str:
    """A link saved by an earlier run, at the address this run serves on (DEMO_PORT may
    have changed since)."""
    parts = urlsplit(url)
    return settings.BASE_URL + urlunsplit(("", "", parts.path, parts.query, parts.fragment))


def current_code(email: str) -> str:
    device = TOTPDevice.objects.filter(user__email__iexact=email, confirmed=True).first()
    if device is None or not email.lower().endswith("@" + DEMO_DOMAIN):
        raise CommandError(f"no demo user {email}")
    totp = TOTP(device.seed, device.step, 0, device.digits, 0)
    totp.time = timezone.now().timestamp()
    return f"{totp.token():0{device.digits}d}"
