"""Writes for fundraising: keyword-only, atomic, audited. One module per kind of change."""
