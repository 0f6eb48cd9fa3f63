"""The remembering `{% url %}`, `{% static %}` and `{% when %}` render exactly what Django would."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Engine, Template, TemplateSyntaxError
from django.test import override_settings
from django.urls import NoReverseMatch, clear_script_prefix, reverse, set_script_prefix
from django.utils import timezone, translation

from hustings import template_memo


def _render(source: str, **context: object) -> str:
    engine = Engine(builtins=["hustings.template_memo"])
    return Template(source, engine=engine).render(Context(context))


def _django(source: str, **context: object) -> str:
    engine = Engine(libraries={"static": "django.templatetags.static"})
    return Template(source, engine=engine).render(Context(context))


def test_an_argument_free_view_renders_its_address_and_is_remembered():
    template_memo._remembered.clear()
    source = "{% url 'ballots:vote' %}|{% url 'elections:home' %}"

    first = _render(source)

    assert first == f"{reverse('ballots:vote')}|{reverse('elections:home')}"
    assert first == _django(source)
    assert len([key for key in template_memo._remembered if key[0] == "url"]) == 2
    # Rendered again, from memory, the same.
    assert _render(source) == first


def test_a_different_script_prefix_gets_its_own_address():
    template_memo._remembered.clear()
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


def test_plain_arguments_are_remembered_with_their_values():
    template_memo._remembered.clear()
    sources = {
        "{% url 'ballots:trackers' slug %}": {"slug": "nec-2026"},
        "{% url 'ballots:trackers' slug=slug %}": {"slug": "nec-2027"},
        "{% url 'candidates:candidate' pk %}": {"pk": 17},
    }
    for source, context in sources.items():
        assert _render(source, **context) == _django(source, **context)
        # From memory, the same; another value, its own address.
        assert _render(source, **context) == _django(source, **context)
    assert _render("{% url 'candidates:candidate' pk %}", pk=18) == reverse(
        "candidates:candidate", args=[18]
    )
    assert len([key for key in template_memo._remembered if key[0] == "url"]) == 4


def test_variable_names_as_and_other_arguments_are_django_s_tag_unchanged():
    template_memo._remembered.clear()

    class Slug(str):
        pass

    sources = {
        "{% url name %}": {"name": "ballots:vote"},
        "{% url 'ballots:vote' as link %}[{{ link }}]": {},
        "{% url 'ballots:trackers' slug %}": {"slug": Slug("nec-2028")},
    }
    for source, context in sources.items():
        assert _render(source, **context) == _django(source, **context)
    assert template_memo._remembered == {}


def test_an_address_that_cannot_be_made_fails_as_django_s_does():
    with pytest.raises(NoReverseMatch):
        _render("{% url 'ballots:trackers' slug %}", slug="not a slug")
    with pytest.raises(NoReverseMatch):
        _django("{% url 'ballots:trackers' slug %}", slug="not a slug")


def test_the_remembered_address_is_escaped_as_django_escapes_it():
    template_memo._remembered.clear()
    source = (
        "{% autoescape off %}{% url 'ballots:vote' %}{% endautoescape %}{% url 'ballots:vote' %}"
    )

    assert _render(source) == _django(source)


def test_reverse_fixed_is_reverse_remembered_per_script_prefix():
    template_memo._remembered.clear()
    assert template_memo.reverse_fixed("ballots:vote") == reverse("ballots:vote")
    try:
        set_script_prefix("/hustings/")
        prefixed = template_memo.reverse_fixed("ballots:vote")
        assert prefixed == reverse("ballots:vote")
    finally:
        clear_script_prefix()
        set_script_prefix("/")
    assert template_memo.reverse_fixed("ballots:vote") == reverse("ballots:vote")
    assert prefixed == "/hustings" + reverse("ballots:vote")


def test_static_renders_django_s_address_and_follows_a_change_of_storage():
    template_memo._remembered.clear()
    source = "{% static 'hustings/hustings.css' %}|{% static name %}"
    django = "{% load static %}" + source

    first = _render(source, name="ballots/voting.js")

    assert first == _django(django, name="ballots/voting.js")
    assert first.startswith("/static/hustings/hustings")
    with override_settings(STATIC_URL="/elsewhere/"):
        moved = _render(source, name="ballots/voting.js")
        assert moved == _django(django, name="ballots/voting.js")
        assert moved.startswith("/elsewhere/hustings/hustings")
    assert _render(source, name="ballots/voting.js") == first


def test_static_as_a_variable_is_django_s_tag_unchanged():
    source = "{% static 'hustings/hustings.css' as css %}[{{ css }}]"
    assert _render(source) == _django("{% load static %}" + source)


WHEN_PARTIAL = '<time datetime="{{ at|date:\'c\' }}">{{ at|date:"l j F Y, H:i T" }}</time>'


def test_when_renders_a_moment_as_the_date_filters_do_in_the_current_timezone():
    template_memo._remembered.clear()
    winter = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    summer = datetime(2026, 6, 1, 11, 30, tzinfo=UTC)
    for at in (winter, summer, None):
        assert _render("{% when at %}", at=at) == _django(WHEN_PARTIAL, at=at)
    assert _render("{% when at %}", at=winter) == (
        '<time datetime="2026-12-01T12:00:00+00:00">Tuesday 1 December 2026, 12:00 GMT</time>'
    )
    assert "12:30 BST" in _render("{% when at %}", at=summer)
    with timezone.override("America/New_York"):
        assert _render("{% when at %}", at=winter) == _django(WHEN_PARTIAL, at=winter)
        assert "07:00 EST" in _render("{% when at %}", at=winter)
    with translation.override("fr"):
        assert _render("{% when at %}", at=winter) == _django(WHEN_PARTIAL, at=winter)
        assert "décembre" in _render("{% when at %}", at=winter)


def test_include_fixed_renders_what_include_renders_and_remembers_it():
    template_memo._remembered.clear()
    fixed = '{% include_fixed "partials/footer.html" %}'
    plain = '{% include "partials/footer.html" %}'
    engine = Engine(
        dirs=[Path(settings.TEMPLATES[0]["DIRS"][0])], builtins=["hustings.template_memo"]
    )

    first = Template(fixed, engine=engine).render(Context({}))

    assert first == Template(plain, engine=engine).render(Context({}))
    assert reverse("accounts:staff-sign-in") in first
    assert [key[1] for key in template_memo._remembered if key[0] == "include"] == [
        "partials/footer.html"
    ]
    assert Template(fixed, engine=engine).render(Context({"anything": "else"})) == first


def test_include_fixed_takes_one_quoted_name():
    for source in (
        "{% include_fixed %}",
        "{% include_fixed name %}",
        '{% include_fixed "a" "b" %}',
    ):
        with pytest.raises(TemplateSyntaxError, match="one quoted template name"):
            _render(source)


@pytest.mark.django_db
def test_the_site_header_is_remembered_for_visitors_and_rendered_for_each_signed_in_user(rf):
    from django.contrib.auth.models import AnonymousUser
    from django.template.loader import render_to_string

    from tests.factories import make_user

    template_memo._remembered.clear()

    def page(user: object) -> str:
        request = rf.get("/")
        request.user = user
        return render_to_string("base.html", request=request)

    visitor = page(AnonymousUser())
    member = page(make_user())

    def link(name: str) -> str:
        return f'"{reverse(name)}"'

    assert link("accounts:sign-in") in visitor
    assert link("accounts:my-account") not in visitor
    assert link("accounts:sign-in") not in member
    assert link("accounts:my-account") in member
    assert link("accounts:sign-out") in member
    assert "csrfmiddlewaretoken" in member
    # A visitor after a signed-in user still gets the visitors' header, from memory.
    assert page(AnonymousUser()) == visitor
    assert ("include", "partials/header.html") in {key[:2] for key in template_memo._remembered}
