"""The reports' writes, keyword-only, atomic, audited: ``workflow`` for a report's life,
``sections`` for what its author writes, ``schedule`` for the cadence, ``subscriptions``
for subscribers and the report e-mails."""
