"""What other apps add to a person's page: an explicit hook list, as ``STATUS_HOOKS``.

Cases is a floor below the apps that know more of a person (rescue knows their journeys),
so it cannot import them. Each such app appends a named function from its
``AppConfig.ready``; the page calls each with the person, whose access the page has
already checked, and adds the dict it returns to the template's context.

``cases/person.html`` gives each app's contribution a section of its own, with an entry in
the page's table of contents (rescue's ``journeys``: ``#journey``).
"""

from __future__ import annotations

from collections.abc import Callable

PERSON_PAGE_HOOKS: list[Callable[[object], dict]] = []


def register(hook: Callable[[object], dict]) -> None:
    """Add ``hook(person) -> dict`` of context for the person page (once)."""
    if hook not in PERSON_PAGE_HOOKS:
        PERSON_PAGE_HOOKS.append(hook)


def context_for(person) -> dict:
    """What every registered app adds for ``person``."""
    context: dict = {}
    for hook in PERSON_PAGE_HOOKS:
        context.update(hook(person))
    return context
