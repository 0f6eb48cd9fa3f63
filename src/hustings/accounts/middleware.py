"""Refuse any staff session that has not passed the second factor, and route admin sign-in here."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode

from hustings.accounts.access import needs_second_factor
from hustings.accounts.staff import second_factor_passed


@cache
def _admin_login_path() -> str | None:
    try:
        return reverse("admin:login")
    except NoReverseMatch:
        return None


class SecondFactorMiddleware:
    """Log out staff sessions without a passed second factor; send admin sign-in to the staff page.

    Place after AuthenticationMiddleware. However a staff session came about (the admin's own
    password form, a forged or stolen half-finished sign-in, a test's force_login), it is worth
    nothing here until a TOTP code has been checked on a confirmed device.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == _admin_login_path():
            target = reverse("accounts:staff-sign-in")
            next_url = request.GET.get("next")
            if next_url:
                target += "?" + urlencode({"next": next_url})
            return HttpResponseRedirect(target)
        if needs_second_factor(request.user) and not second_factor_passed(request):
            logout(request)
        return self.get_response(request)
