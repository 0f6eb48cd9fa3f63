"""Template filters for showing elections and contests."""

from __future__ import annotations

from django import template

from hustings.elections.models import RepresentationRule

register = template.Library()

# How each self-described gender reads for one person and for several.
PEOPLE = {
    "woman": ("woman", "women"),
    "man": ("man", "men"),
    "non-binary": ("non-binary member", "non-binary members"),
}


def _people(value: str, label: str, count: int) -> str:
    one, many = PEOPLE.get(value, (f"member who is {label}", f"members who are {label}"))
    return one if count == 1 else many


@register.filter
def describe_rule(rule: RepresentationRule) -> str:
    """Return a representation rule in plain words, such as "at least 3 women"."""
    label = rule.get_value_display()
    if rule.minimum and rule.maximum is not None:
        people = _people(rule.value, label, rule.maximum)
        return f"at least {rule.minimum} and at most {rule.maximum} {people}"
    if rule.maximum is not None:
        return f"at most {rule.maximum} {_people(rule.value, label, rule.maximum)}"
    return f"at least {rule.minimum} {_people(rule.value, label, rule.minimum)}"
