"""Sign in and out (members by emailed link, staff by password and TOTP) and the account page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from hustings.accounts import queries, staff, tokens, totp
from hustings.accounts.access import AuthenticatedHttpRequest
from hustings.accounts.actions import (
    do_confirm_totp_device,
    do_record_member_sign_in,
    do_record_staff_sign_in,
)
from hustings.accounts.forms import CodeForm, SignInForm, StaffSignInForm, posted
from hustings.accounts.qr import qr_svg
from hustings.accounts.ratelimit import RateLimited, client_ip

SENT_TO = "hustings.sign-in.sent-to"


def _minutes() -> int:
    return int(tokens.link_lifetime().total_seconds() // 60)


def _rate_limited(request: HttpRequest, error: RateLimited) -> HttpResponse:
    response = render(request, "accounts/rate_limited.html", {"minutes": error.minutes}, status=429)
    response["Retry-After"] = str(int(error.retry_after.total_seconds()) + 1)
    return response


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    """Ask for an email address and send a sign-in link to it if it belongs to a member."""
    next_url = tokens.safe_next(request.POST.get("next") or request.GET.get("next"), request)
    form = SignInForm(posted(request))
    if form.is_valid():
        email = form.cleaned_data["email"]
        try:
            tokens.request_login_links(email, ip=client_ip(request), next_url=next_url)
        except RateLimited as error:
            return _rate_limited(request, error)
        request.session[SENT_TO] = email
        return redirect("accounts:sign-in-sent")
    context = {"form": form, "next": next_url, "minutes": _minutes()}
    return render(request, "accounts/sign_in.html", context, status=400 if form.errors else 200)


def sign_in_sent(request: HttpRequest) -> HttpResponse:
    """Say a link is on its way, in the same words whether or not the address is known."""
    email = request.session.get(SENT_TO)
    if not email:
        return redirect("accounts:sign-in")
    return render(request, "accounts/sign_in_sent.html", {"email": email, "minutes": _minutes()})


@require_http_methods(["GET", "POST"])
def sign_in_link(request: HttpRequest, token: str) -> HttpResponse:
    """Sign in with an emailed link: GET asks to confirm, so mail scanners cannot use it up."""
    next_url = tokens.safe_next(request.POST.get("next") or request.GET.get("next"), request)
    if request.method == "POST":
        user = tokens.redeem_login_token(token)
        if user is not None:
            login(request, user, backend=staff.MODEL_BACKEND)
            do_record_member_sign_in(user, ip=client_ip(request))
            return HttpResponseRedirect(next_url or reverse("accounts:my-account"))
        usable = False
    else:
        usable = tokens.peek_login_token(token)
    context = {"usable": usable, "next": next_url, "minutes": _minutes()}
    return render(request, "accounts/sign_in_link.html", context, status=200 if usable else 410)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    """Sign out and return to the elections page."""
    logout(request)
    messages.success(request, "You have signed out.")
    return redirect("elections:home")


@require_http_methods(["GET", "POST"])
def staff_sign_in(request: HttpRequest) -> HttpResponse:
    """Check a staff member's password, then send them on to their authenticator code."""
    next_url = tokens.safe_next(request.POST.get("next") or request.GET.get("next"), request)
    form = StaffSignInForm(posted(request))
    if form.is_valid():
        try:
            user = staff.check_password(
                request, form.cleaned_data["email"], form.cleaned_data["password"]
            )
        except RateLimited as error:
            return _rate_limited(request, error)
        if user is not None:
            request.session[staff.PENDING]["next"] = next_url
            request.session.modified = True
            step = "staff-verify" if staff.confirmed_device(user) else "staff-enrol"
            return redirect(f"accounts:{step}")
        form.add_error(None, "The email address or password is not right.")
    context = {"form": form, "next": next_url}
    return render(
        request, "accounts/staff_sign_in.html", context, status=400 if form.errors else 200
    )


def _finish_staff_sign_in(request: HttpRequest, user: object, device: object) -> HttpResponse:
    next_url = request.session.get(staff.PENDING, {}).get("next", "")
    staff.complete_sign_in(request, user, device)  # type: ignore[arg-type]
    do_record_staff_sign_in(user, ip=client_ip(request))  # type: ignore[arg-type]
    return HttpResponseRedirect(next_url or reverse("admin:index"))


@require_http_methods(["GET", "POST"])
def staff_verify(request: HttpRequest) -> HttpResponse:
    """Check the authenticator code of a staff member who has given their password."""
    user = staff.pending_user(request)
    if user is None:
        return redirect("accounts:staff-sign-in")
    device = staff.confirmed_device(user)
    if device is None:
        return redirect("accounts:staff-enrol")
    form = CodeForm(posted(request))
    if form.is_valid():
        try:
            if staff.check_code(request, user, device, form.cleaned_data["code"]):
                return _finish_staff_sign_in(request, user, device)
        except RateLimited as error:
            return _rate_limited(request, error)
        form.add_error("code", "That code is not right, or has already been used. Try the next.")
    status = 400 if form.errors else 200
    return render(request, "accounts/staff_verify.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
def staff_enrol(request: HttpRequest) -> HttpResponse:
    """Show a new authenticator's key once, and confirm it with a first code."""
    user = staff.pending_user(request)
    if user is None:
        return redirect("accounts:staff-sign-in")
    if staff.confirmed_device(user) is not None:
        return redirect("accounts:staff-verify")
    device = totp.enrolment_device(user)
    form = CodeForm(posted(request))
    if form.is_valid():
        try:
            if staff.check_code(request, user, device, form.cleaned_data["code"]):
                do_confirm_totp_device(user, device)
                return _finish_staff_sign_in(request, user, device)
        except RateLimited as error:
            return _rate_limited(request, error)
        form.add_error("code", "That code is not right. Check the key was typed correctly.")
    secret = totp.secret_for(device)
    uri = totp.provisioning_uri(device)
    context = {
        "form": form,
        "uri": uri,
        "qr_svg": qr_svg(uri),
        "secret_groups": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    }
    response = render(
        request, "accounts/staff_enrol.html", context, status=400 if form.errors else 200
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required(login_url="accounts:sign-in")
def my_account(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Show the signed-in person their membership, candidacies and what they may stand for."""
    return render(request, "accounts/my_account.html", queries.account_overview(request.user))
