"""Template tags that remember what they render, where it cannot change while a process runs.

Every page's header and footer name the same half-dozen views and the same stylesheet, and many
pages show a date or two; reversing a name, looking up a static file's hashed name and formatting
a date each cost more than the rest of a small page's rendering. What they produce depends only
on a few things (the URLconf and script prefix; the static files storage; the date, timezone and
language), so it is remembered per process under exactly those:

- `{% url %}` naming a view with no arguments, not stored `as` a variable: keyed by the URLconf,
  the script prefix and the current application namespace. Every other use is Django's own tag.
- `{% static 'path' %}` with a literal path: keyed by the static files storage object. The
  project's templates use it without `{% load static %}`, which would load Django's own.
- `{% when at %}`: a moment as `<time datetime="...">Monday 1 December 2026, 12:00 GMT</time>`,
  keyed by the moment, the current timezone and language.

All three are installed through TEMPLATES' `builtins`.
`reverse_fixed` is the same memory for Python code.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from datetime import datetime

from django import template
from django.conf import STATICFILES_STORAGE_ALIAS
from django.core.files.storage import storages
from django.template import defaulttags
from django.template.base import FilterExpression, Parser, Token
from django.templatetags import static as django_static
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import formats, timezone, translation
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()

_LIMIT = 1024
_lock = threading.Lock()
_remembered: dict[Hashable, str] = {}


def _remember(key: Hashable, make: Callable[[], str]) -> str:
    rendered = _remembered.get(key)
    if rendered is None:
        rendered = make()
        with _lock:
            if len(_remembered) >= _LIMIT:
                _remembered.clear()
            _remembered[key] = rendered
    return rendered


def reverse_fixed(name: str) -> str:
    """Return `reverse(name)` for a view that takes no arguments, remembered like `{% url %}`."""
    return _remember(("reverse", name, get_script_prefix(), get_urlconf()), lambda: reverse(name))


def _current_app(context: template.Context) -> str | None:
    # As Django's URLNode chooses it: the request's current_app, else its resolved namespace.
    request = context.get("request")
    if request is None:
        return None
    current = getattr(request, "current_app", None)
    if current is None:
        match = getattr(request, "resolver_match", None)
        current = match.namespace if match else None
    return current


class RememberedURLNode(template.Node):
    """A URLNode for a constant view name with no arguments, remembered per process."""

    def __init__(self, node: defaulttags.URLNode, name: str) -> None:
        self.node = node
        self.name = name

    def render(self, context: template.Context) -> str:
        key = (
            "url",
            self.name,
            get_script_prefix(),
            _current_app(context),
            get_urlconf(),
            context.autoescape,
        )
        return _remember(key, lambda: self.node.render(context))


def _constant(expression: FilterExpression) -> str | None:
    # A quoted string literal with no filters resolves to itself in every context.
    if expression.filters or not isinstance(expression.var, str):
        return None
    return expression.var


@register.tag
def url(parser: Parser, token: Token) -> template.Node:
    """Return Django's URL node, remembered when it names a view with no arguments."""
    node = defaulttags.url(parser, token)
    if node.args or node.kwargs or node.asvar:
        return node
    name = _constant(node.view_name)
    return node if name is None else RememberedURLNode(node, name)


class RememberedStaticNode(template.Node):
    """A StaticNode for a literal path, remembered per process and storage."""

    def __init__(self, node: django_static.StaticNode, path: str) -> None:
        self.node = node
        self.path = path

    def render(self, context: template.Context) -> str:
        # The storage object itself: a change of settings makes a new one.
        storage = storages[STATICFILES_STORAGE_ALIAS]
        key = ("static", self.path, storage, context.autoescape)
        return _remember(key, lambda: self.node.render(context))


@register.tag
def static(parser: Parser, token: Token) -> template.Node:
    """Return Django's static node, remembered when its path is a literal and it has no `as`."""
    node = django_static.do_static(parser, token)
    path = _constant(node.path) if isinstance(node, django_static.StaticNode) else None
    if path is None or node.varname is not None:
        return node
    return RememberedStaticNode(node, path)


def _format_when(at: datetime) -> SafeString:
    local = timezone.localtime(at) if timezone.is_aware(at) else at
    return format_html(
        '<time datetime="{}">{}</time>',
        formats.date_format(local, "c"),
        formats.date_format(local, "l j F Y, H:i T"),
    )


@register.simple_tag
def when(at: datetime | None) -> str:
    """Render a moment for people and machines, in the current timezone."""
    if at is None:
        return SafeString('<time datetime=""></time>')
    key = ("when", at, timezone.get_current_timezone_name(), translation.get_language())
    return SafeString(_remember(key, lambda: _format_when(at)))
