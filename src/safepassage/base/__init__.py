"""The bottom floor: what every app shares and no domain app owns.

Money (``money``, ``money_fields``, ``money_forms``), CSV in (``csv_in``) and out
(``csv_out``), bulk insertion (``bulk``), the form-then-service helpers (``submitting``),
memory-only uploads (``uploads``), ranged date fields (``date_fields``) and queueing a task
after commit (``tasks``). Nothing here imports a domain app, the security core or the shell.
"""
