"""What every test and benchmark builds on: people in every role (``members``), cases and
people (``people``), missions (``rescue``), Hope Sharing (``hope``), the PostgreSQL marker
(``markers``), threads released together (``concurrency``), a real SMTP server (``mail``),
the demo organisation built once (``demo``) and the pytest fixtures (``fixtures``, loaded by
the root ``conftest.py``). Test code only: nothing in the product imports it.
"""
