"""Reading CSV: bytes to rows (``source``) and cells to values (``cells``)."""
