"""Forms for signing in: a member's email, a staff password, an authenticator code."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, QueryDict


class SignInForm(forms.Form):
    """Ask for the email address a member signs in with."""

    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )


class StaffSignInForm(forms.Form):
    """Ask a staff member for their email and password."""

    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class CodeForm(forms.Form):
    """Ask for the six-digit code an authenticator app shows."""

    code = forms.CharField(
        label="Six-digit code",
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9 ]*",
                "class": "code",
            }
        ),
    )

    def clean_code(self) -> str:
        """Return the code without spaces, insisting on six digits."""
        code = "".join(self.cleaned_data["code"].split())
        if len(code) != 6 or not code.isdigit():
            raise forms.ValidationError("Enter the six digits your authenticator app shows.")
        return code


def posted(request: HttpRequest) -> QueryDict | None:
    """Return the POST data to bind a form to, or None on GET: an empty POST still binds."""
    return request.POST if request.method == "POST" else None
