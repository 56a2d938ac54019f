"""``safepassage worker``: run background tasks from the database queue.

Any number of workers on any number of machines may share one PostgreSQL database; each
task is claimed with a row lock (SKIP LOCKED), so none runs twice.
"""

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand


class Command(DatabaseWorkerCommand):
    help = (
        "Run the background worker (e-mails, scheduled scans, imports). --batch drains and exits."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(queue_name="*", reload=False)
        parser.add_argument(
            "--no-schedule", action="store_true", help="do not queue the periodic sweeps"
        )

    def handle(self, *args, **options):
        if not options.pop("no_schedule", False):
            from safepassage.web import schedule

            schedule.ensure()
        return super().handle(*args, **options)
