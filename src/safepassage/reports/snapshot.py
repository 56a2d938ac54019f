"""The shape of a published report: what ``compose`` produces, what a ``Release`` keeps,
and what every output (the web page, the PDF, the feed, the e-mail) reads.

Plain JSON (dicts, lists, strings, integers): a snapshot is frozen in the release ledger
and must render the same in ten years. Labels are codes (a month "2026-05", a sex
"female", a province "north_hamgyong", an age group "teen", a channel "bank", a public
spending category "rescue_travel"), turned into words in the reader's language when
rendered (``reports.labels``), so one snapshot serves Korean and English.

A figure that the disclosure control holds back is ``None`` with ``"hidden": True``; the
page shows it as "fewer than k" or "not shown" and never a number.

    {
      "report": {"slug", "title", "period_start": "2026-05-01", "period_end": "2026-08-31",
                 "audience": "public", "channel": "", "languages": ["ko", "en"],
                 "base_currency": "KRW", "version": 1, "published_at": iso or None,
                 "draft": bool, "corrects": slug or "", "changes": str, "k": 3},
      "sections": [Section, ...]   # in the author's order
    }

    Section = {"kind": SectionKind, "position": int,
               "heading": {"ko": str, "en": str}, "text": {"ko": str, "en": str}, ...}

    headline:    "figures": {"rescued": int, "families": int,
                             "raised_minor": int | None, "spent_minor": int | None}
    per_month:   "table": Table                     # rows keyed by month "YYYY-MM"
    who:         "table": Table                     # rows keyed by women / men /
                                                    # adults_sex_not_recorded / teen / child /
                                                    # age_not_recorded
    where:       "table": Table                     # rows keyed by province, region,
                                                    # "north_korea", "abroad" or "not_recorded"
    money:       "raised": Table (by channel), "spent": Table (by public category),
                 "currency": "KRW", "rates_source": str
    hope:        "figures": {"matched_minor", "matching_pledges", "shares_funded",
                             "rescues_funded", "sponsors"}   # each int or None if hidden
    list:        "months": [{"month": "2026-05" or "" (the period), "people": int,
                             "families": int,
                             "groups": [{"size": int,
                                         "entries": [Entry, ...]}]}],
                 "held_back": int                   # people not listed, to protect them
                 Entry = {"surname": "Kim OO" or "", "sex": "female" / "male" / "",
                          "born": "1971" / "1970-1974" / "1970-1979" / "adult" /
                                  "child" / "", "home": a home code as above or ""}
    testimonies: "items": [{"code": str, "language": "ko", "header": Entry,
                            "sha256": hex of the published text}]
                 # the text itself is read at render time, and only while the consent
                 # covers the audience (``reports.testimonies``): a withdrawal pulls it
                 # from every output at once
    text:        (heading and text only)
    photo:       "photo": {"section": section id, "type": "image/jpeg"}

    Table = {"key": str, "rows": [{"key": str, "value": int | None, "hidden": bool}],
             "total": int | None, "hidden_total": bool, "unit": "people" | "money"}
"""

from __future__ import annotations

TABLE_SECTIONS = ("per_month", "who", "where")
