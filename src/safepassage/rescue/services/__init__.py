"""Writes to rescue data: keyword-only, atomic, audited. One module per kind of change.

- ``places``: safe points, routes, field partners
- ``missions``: plan, start, pause, resume, end, outcomes, costs, staff-recorded check-ins
- ``checkins``: check-in links and the check-in itself (page, API, staff)
- ``watch``: the overdue scan and alerts
"""
