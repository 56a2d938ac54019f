"""Following the staff menu as a person does (web/_nav.html): the link sits in a closed
menu, so open the one that holds it first."""

from __future__ import annotations


def follow(page, name: str) -> None:
    """Click the main navigation's link labelled exactly ``name``: on a phone after opening
    "Menu", on a wide screen after opening each menu of the row in turn until it shows."""
    nav = page.locator("header nav.nav")

    def shown():
        return nav.get_by_role("link", name=name, exact=True).locator("visible=true")

    if not shown().count():
        compact = nav.locator("details.nav-compact > summary")
        if compact.is_visible():
            compact.click()
        else:
            for summary in nav.locator(".nav-row summary").all():
                summary.click()
                if shown().count():
                    break
    shown().first.click()
