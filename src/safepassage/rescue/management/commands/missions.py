"""``safepassage missions``: the overdue scan by hand, and a one-line-per-mission status.

``scan --at`` runs the scan as if the clock said that time: for drills and the demo, to
watch a mission turn overdue, escalate and fall silent without waiting a day.
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from safepassage.audit.context import request_id_scope


class Command(BaseCommand):
    help = "Run the overdue scan now (or at a simulated time), or list active missions."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        scan = sub.add_parser("scan", help="Raise the alerts due now (or --at a given time).")
        clock = scan.add_mutually_exclusive_group()
        clock.add_argument("--at", help="ISO date-time to scan as of, e.g. 2026-11-26T09:00")
        clock.add_argument("--hours", type=float, help="scan as of this many hours from now")
        sub.add_parser("status", help="One line per active mission.")

    def handle(self, *args, action: str, **options):
        if action == "scan":
            self._scan(options.get("at"), options.get("hours"))
        else:
            self._status()

    def _scan(self, at: str | None, hours: float | None) -> None:
        from safepassage.rescue.services import alerts

        now = timezone.now()
        if at:
            parsed = parse_datetime(at)
            if parsed is None:
                raise CommandError(f"--at: not a date-time: {at!r} (e.g. 2026-11-26T09:00)")
            now = parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)
        elif hours is not None:
            now = now + dt.timedelta(hours=hours)
        with request_id_scope("missions-scan"):
            raised = alerts.scan(now=now)
        self.stdout.write(f"Scanned as of {timezone.localtime(now):%Y-%m-%d %H:%M %Z}.")
        for alert in raised:
            self.stdout.write(f"  {alert.mission.code}: {alert.get_kind_display()}")
        self.stdout.write(f"{len(raised)} alert(s) raised.")

    def _status(self) -> None:
        from safepassage.rescue.models import ACTIVE, Mission
        from safepassage.rescue.selectors import mission_standing

        missions = Mission.objects.filter(status__in=ACTIVE).order_by("-silence", "code")
        for mission in missions:
            last = mission.last_check_in_at
            seen = f"{timezone.localtime(last):%Y-%m-%d %H:%M}" if last else "never"
            self.stdout.write(
                f"{mission.code}  {mission.get_status_display():<12} "
                f"{mission_standing(mission).label!s:<28} last check-in {seen}"
            )
        self.stdout.write(f"{missions.count()} active mission(s).")
