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
- `{% include_fixed "name.html" %}`: a template whose output depends only on addresses and the
  language (the site's footer, and its header for visitors not signed in), rendered once.
- `{% when at %}`: a moment as `<time datetime="...">Monday 1 December 2026, 12:00 GMT</time>`,
  keyed by the moment, the current timezone and language.

All are installed through TEMPLATES' `builtins`.
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
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString

register = template.Library()

_LIMIT = 4096
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
    """A URLNode for a constant view name, remembered per process for plain (str, int) arguments."""

    def __init__(self, node: defaulttags.URLNode, name: str) -> None:
        self.node = node
        self.name = name

    def render(self, context: template.Context) -> str:
        args = tuple(arg.resolve(context) for arg in self.node.args)
        kwargs = tuple((k, v.resolve(context)) for k, v in sorted(self.node.kwargs.items()))
        plain = all(type(v) in (str, int) for v in args) and all(
            type(v) in (str, int) for _, v in kwargs
        )
        if not plain:
            # A model, a date, a lazy string: Django's own tag, which resolves them itself.
            return self.node.render(context)
        current_app = _current_app(context)
        key = (
            "url",
            self.name,
            args,
            kwargs,
            get_script_prefix(),
            current_app,
            get_urlconf(),
            context.autoescape,
        )

        def make() -> str:
            address = reverse(
                self.name, args=list(args), kwargs=dict(kwargs), current_app=current_app
            )
            return conditional_escape(address) if context.autoescape else address

        return _remember(key, make)


def _constant(expression: FilterExpression) -> str | None:
    # A quoted string literal with no filters resolves to itself in every context.
    if expression.filters or not isinstance(expression.var, str):
        return None
    return expression.var


@register.tag
def url(parser: Parser, token: Token) -> template.Node:
    """Return Django's URL node, remembered when it names a constant view and has no `as`."""
    node = defaulttags.url(parser, token)
    if node.asvar:
        return node
    name = _constant(node.view_name)
    return node if name is None else RememberedURLNode(node, name)


class FixedIncludeNode(template.Node):
    """An include of a template whose output depends only on addresses and the language."""

    def __init__(self, name: str) -> None:
        self.name = name

    def render(self, context: template.Context) -> str:
        key = (
            "include",
            self.name,
            get_script_prefix(),
            get_urlconf(),
            translation.get_language(),
            context.autoescape,
        )

        def make() -> str:
            assert context.template is not None  # set while a template renders
            included = context.template.engine.get_template(self.name)
            with context.push():
                return str(included.render(context))

        return SafeString(_remember(key, make))


@register.tag
def include_fixed(parser: Parser, token: Token) -> template.Node:
    """`{% include_fixed "name.html" %}`: include a template rendered once per process.

    Only for templates whose output depends on nothing but view addresses and the language (the
    site's footer; its header for visitors who are not signed in): the first rendering's context
    is the only one the template ever sees.
    """
    bits = token.split_contents()
    name = bits[1] if len(bits) == 2 else ""
    if len(name) < 3 or name[0] not in "'\"" or name[-1] != name[0]:
        raise template.TemplateSyntaxError(
            f'{bits[0]!r} takes one quoted template name, as in {bits[0]} "partials/footer.html"'
        )
    return FixedIncludeNode(name[1:-1])


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
