"""The `{% url %}` tag, remembering the address of a view that takes no arguments.

Every page's header and footer name the same half-dozen views, and reversing a name costs more
than the rest of a small page's rendering. A URL that names a view with no arguments and is not
stored `as` a variable depends only on the URLconf, the script prefix and the current application
namespace, so it is remembered per process under those; every other use is Django's own tag
unchanged. Installed through TEMPLATES' `builtins`, so it takes the place of the built-in tag.
"""

from __future__ import annotations

import threading

from django import template
from django.template import defaulttags
from django.template.base import FilterExpression, Parser, Token
from django.urls import get_script_prefix, get_urlconf

register = template.Library()

_LIMIT = 1024
_lock = threading.Lock()
_remembered: dict[tuple[str, str, str | None, object, bool], str] = {}


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
            self.name,
            get_script_prefix(),
            _current_app(context),
            get_urlconf(),
            context.autoescape,
        )
        rendered = _remembered.get(key)
        if rendered is None:
            rendered = self.node.render(context)
            with _lock:
                if len(_remembered) >= _LIMIT:
                    _remembered.clear()
                _remembered[key] = rendered
        return rendered


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
