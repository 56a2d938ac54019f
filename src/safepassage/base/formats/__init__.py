"""One way to write a date per language (``FORMAT_MODULE_PATH``): templates name a format
(``|date:"SHORT_DATE_FORMAT"``), never a pattern of their own.

Korean: 2026년 12월 2일 in sentences and letters, 2026-12-02 in tables and lists; English:
2 Dec 2026 everywhere, which no reader takes for 12 February. Formats not set here (the
input formats) stay Django's own for the language.
"""
