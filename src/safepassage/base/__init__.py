"""The bottom floor: what every app shares and no domain app owns.

Money (``money``, ``money_fields``, ``money_forms``), CSV in (``csv_in``) and out
(``csv_out``), bulk insertion (``bulk``), the form-then-service helpers (``submitting``),
memory-only uploads (``uploads``), ranged date fields (``date_fields``), queueing a task
after commit (``tasks``), the registries the apps fill from ``AppConfig.ready`` for the
shell (navigation and dashboard cards in ``shell``, periodic tasks in ``schedule``) and the
guarded admin site (``admin_site``). Nothing here imports a domain app, the security core or
the shell.
"""
