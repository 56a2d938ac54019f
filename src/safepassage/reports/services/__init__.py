"""The reports' writes: one module per concern (``subscriptions`` for subscribers and the
report e-mails), keyword-only, atomic, audited."""
