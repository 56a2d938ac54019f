"""Writes to money: keyword-only, atomic, audited.

- ``ledger``: balanced postings and restricted balances
- ``rates``: exchange rates, dated, with their source
- ``donors``: donors, matching by blind index, merging
- ``donations``: recording and reversing gifts
- ``expenses``: the approval trail and payment
- ``receipts``: numbered receipts and year-end statements
"""
