"""Writes to rescue data: keyword-only, atomic, audited. One module per kind of change.

- ``places``: safe points, routes, field partners
- ``missions``: plan, start, pause, resume, end, outcomes, costs
- ``checkins``: check-in links, PINs and the check-in itself (page, API, staff)
- ``checkin_rows``: the check-in's hot path, its reads and writes written by hand
- ``progress``: what a check-in does to its mission (legs, deadlines, where people are)
- ``alerts``: the overdue scan, alerts raised at once, acknowledgements
- ``alert_emails``: who receives an alert, and the e-mail (run by ``tasks.send_alert``)
- ``journeys``: people's case status following the mission
- ``timeline``: the mission's timeline events
"""
