"""``safepassage createstaff``: invite a staff member from the command line.

Prints the invitation link instead of e-mailing it, so that the first director of a new
installation can get in before e-mail is set up.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from safepassage.accounts import services
from safepassage.accounts.models import Role


class Command(BaseCommand):
    help = "Create a staff account and print its one-time invitation link."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--name", required=True, help="name shown to colleagues")
        parser.add_argument(
            "--role", action="append", required=True, choices=Role.Code.values, dest="roles"
        )
        parser.add_argument("--language", default="ko", choices=["ko", "en"])
        parser.add_argument("--superuser", action="store_true", help="may also open /admin/")

    def handle(self, *args, email, name, roles, language, superuser, **options):
        try:
            invitation = services.staff_invite(
                actor=None,
                email=email,
                display_name=name,
                role_codes=roles,
                language=language,
                send=False,
            )
        except services.AccountError as exc:
            raise CommandError(str(exc)) from None
        if superuser:
            services.user_make_superuser(user=invitation.user, actor="command line")
        link = services.invitation_issue_link(invitation=invitation)
        self.stdout.write(f"Invitation for {email} (open it once, within its validity):\n{link}")
