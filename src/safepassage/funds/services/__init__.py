"""Writes to money: keyword-only, atomic, audited.

- ``ledger``: balanced postings and restricted balances
- ``rates``: exchange rates, dated, with their source
- ``donors``: donors, matching by blind index, merging
- ``donations``: recording and reversing gifts
- ``gift_batches``: recording many gifts at once, by the same rules (``gifts_record_many``,
  exported here, and an import's ``gifts_import_rows``)
- ``expenses``: the approval trail and payment
- ``receipts``: numbered receipts and year-end statements (one donor, or every donor queued)
- ``tax_receipts``: what the Korean donation receipt needs: registration numbers, gifts in
  kind, the organisation's details, the statement of issued receipts
"""

from safepassage.funds.services.gift_batches import gifts_record_many

__all__ = ["gifts_record_many"]
