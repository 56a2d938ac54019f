from django import template

from safepassage.base import korean

register = template.Library()


@register.filter(is_safe=True)
def with_particle(value, particle: str) -> str:
    """``{{ who|with_particle:"을" }}``: "20대 여성을" in Korean, the bare value otherwise.

    Give the result to ``blocktranslate`` (``with who_obj=who|with_particle:"을"``) so the
    Korean sentence reads the particle that fits instead of "을(를)".
    """
    return korean.for_reader(value, particle)
