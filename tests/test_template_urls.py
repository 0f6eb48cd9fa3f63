"""The remembered `{% url %}` tag renders exactly what Django's own tag renders."""

from __future__ import annotations

from django.template import Context, Engine, Template
from django.urls import clear_script_prefix, reverse, set_script_prefix

from hustings import template_urls


def _render(source: str, **context: object) -> str:
    return Template(source, engine=Engine(builtins=["hustings.template_urls"])).render(
        Context(context)
    )


def _django(source: str, **context: object) -> str:
    return Template(source, engine=Engine()).render(Context(context))


def test_an_argument_free_view_renders_its_address_and_is_remembered():
    template_urls._remembered.clear()
    source = "{% url 'ballots:vote' %}|{% url 'elections:home' %}"

    first = _render(source)

    assert first == f"{reverse('ballots:vote')}|{reverse('elections:home')}"
    assert first == _django(source)
    assert len(template_urls._remembered) == 2
    # Rendered again, from memory, the same.
    assert _render(source) == first


def test_a_different_script_prefix_gets_its_own_address():
    template_urls._remembered.clear()
    source = "{% url 'ballots:vote' %}"
    plain = _render(source)
    try:
        set_script_prefix("/hustings/")
        prefixed = _render(source)
    finally:
        clear_script_prefix()
        set_script_prefix("/")

    assert prefixed == "/hustings" + plain
    assert _render(source) == plain


def test_views_with_arguments_variables_or_as_are_django_s_tag_unchanged():
    template_urls._remembered.clear()
    sources = {
        "{% url 'ballots:trackers' slug %}": {"slug": "nec-2026"},
        "{% url name %}": {"name": "ballots:vote"},
        "{% url 'ballots:vote' as link %}[{{ link }}]": {},
        "{% url 'ballots:trackers' slug=slug %}": {"slug": "nec-2027"},
    }
    for source, context in sources.items():
        assert _render(source, **context) == _django(source, **context)
    assert template_urls._remembered == {}


def test_the_remembered_address_is_escaped_as_django_escapes_it():
    template_urls._remembered.clear()
    source = (
        "{% autoescape off %}{% url 'ballots:vote' %}{% endautoescape %}{% url 'ballots:vote' %}"
    )

    assert _render(source) == _django(source)
