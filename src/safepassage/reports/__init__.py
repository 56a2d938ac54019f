"""Reports to donors and the public: every figure computed from the records, every
publication passed through disclosure control, every release kept in a ledger."""
