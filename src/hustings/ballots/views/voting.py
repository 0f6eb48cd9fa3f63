"""Voting: entering a code, the ballot paper, review, casting, the receipt and the trackers.

The code is the credential: no sign-in is needed (and being signed in changes nothing). Once a
code is accepted the browser holds a signed cookie naming the credential (and bound to it by part
of its code's keyed digest, which only the database holds), and nothing is kept on the server: the review page carries the choices as hidden fields, so a cast re-reads and re-checks
exactly what the voter saw, even across a server restart. The cast answers with the receipt (the
tracker) itself, and swaps the voting cookie for a signed receipt cookie, which says nothing about
the choices. Both cookies are scoped to the ballot pages, HttpOnly, and end with the browser.

A cast refused as already voted, with a cookie whose credential was voted with online (a double
click, a second tab, a retry after a lost answer), shows that vote's receipt again: the tracker is kept
on the credential for that, never beside the ballot.

Refusals (already voted, code replaced, unknown code, voting not open) are pages that explain
themselves, sent with status 200: the link's path carries the code, and Django writes the path of
every 4xx response to the log.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.expressions import Col
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hustings.accounts import ratelimit
from hustings.accounts.forms import posted
from hustings.accounts.ratelimit import RateLimited, client_ip
from hustings.ballots.casting import (
    AlreadyVoted,
    Refused,
    do_cast_ballot,
    find_credential,
    voting_open,
)
from hustings.ballots.forms import (
    PaperForm,
    TrackerSearchForm,
    VoteForm,
    normalise_membership_number,
)
from hustings.ballots.models import (
    BallotEmail,
    Channel,
    Credential,
    EmailKind,
    EmailStatus,
    Tracker,
    Voter,
)
from hustings.ballots.papers import BallotError, Paper, papers_for
from hustings.ballots.receipts import send_receipt_email
from hustings.elections.models import Election, Phase
from hustings.results.queries import count_started
from hustings.template_memo import reverse_fixed

# The voting cookie holds the pk of the credential being voted with; the receipt cookie, after the
# cast, the credential's pk, the election's and the tracker. Both signed, each with its own salt.
VOTING_COOKIE = "hustings_voting"
RECEIPT_COOKIE = "hustings_receipt"
_VOTING_SALT = "hustings.ballots.voting"
_RECEIPT_SALT = "hustings.ballots.receipt"

# A public list of up to a few hundred thousand short codes: 500 a page keeps each page small.
TRACKERS_PER_PAGE = 500


@dataclass(frozen=True)
class Refusal:
    """Why a credential cannot be voted with now, in words for the voter."""

    kind: str
    title: str
    message: str


def _binding(credential: Credential) -> str:
    """Return what ties a cookie to a credential beyond its number: part of its code's digest.

    The digest is keyed and stored only in the database, so whoever holds SECRET_KEY (which signs
    cookies) but not the database cannot make a cookie for a credential they were never given.
    """
    return credential.code_digest[:16]


def _binds(credential: Credential, binding: str) -> bool:
    return constant_time_compare(_binding(credential), binding)


@dataclass(frozen=True)
class Receipt:
    """What the receipt cookie says: whose receipt, in which election, the tracker, and if emailed."""

    credential: int
    election: int
    tracker: str
    binding: str
    emailed: bool = False

    def dumps(self) -> str:
        return (
            f"{self.credential}:{self.election}:{self.tracker}:{int(self.emailed)}:{self.binding}"
        )

    @classmethod
    def loads(cls, text: str) -> Receipt | None:
        parts = text.split(":")
        if len(parts) != 5 or not all(part.isdigit() for part in (parts[0], parts[1], parts[3])):
            return None
        return cls(int(parts[0]), int(parts[1]), parts[2], parts[4], parts[3] == "1")


def _cookie_path() -> str:
    return reverse_fixed("ballots:vote")


def _set_cookie(response: HttpResponse, name: str, value: str, salt: str) -> None:
    response.set_signed_cookie(
        name,
        value,
        salt=salt,
        path=_cookie_path(),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def _read_cookie(request: HttpRequest, name: str, salt: str) -> str | None:
    value = request.get_signed_cookie(
        name, default=None, salt=salt, max_age=settings.SESSION_COOKIE_AGE
    )
    return value if isinstance(value, str) else None


def _when(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%A %-d %B %Y at %H:%M}"


def _closed(election: Election) -> Refusal:
    phase = election.phase()
    if phase in (Phase.COUNT, Phase.RESULTS):
        return Refusal(
            "closed",
            "Voting has closed",
            f"Voting in {election.name} closed on {_when(election.ballot_close_at)}. "
            "Ballots can no longer be cast.",
        )
    return Refusal(
        "not-open",
        "Voting is not open yet",
        f"Voting in {election.name} opens on {_when(election.ballot_open_at)} and closes on "
        f"{_when(election.ballot_close_at)}. Come back then: your code will work once voting "
        "opens.",
    )


def _refusal(credential: Credential) -> Refusal | None:
    """Return why the credential cannot be voted with now, or None if it can."""
    voter = credential.voter
    if voter.voted:
        return Refusal(
            "already-voted",
            "You have already voted",
            f"A ballot has already been cast for this membership "
            f"({voter.get_voted_display()}). Each member votes once, so this code cannot be "
            "used again.",
        )
    if credential.revoked_at is not None:
        return Refusal(
            "replaced",
            "This code has been replaced",
            "This code was replaced by a newer one, sent to you when a new code was asked for. "
            "Use the code in your latest ballot email or letter.",
        )
    if not voting_open(voter.election, Channel.ONLINE):
        return _closed(voter.election)
    return None


UNKNOWN_CODE = Refusal(
    "unknown",
    "We do not recognise this code",
    "This link does not hold a voting code we issued. Check you opened the whole link from your "
    "ballot email, or enter your membership number and code instead.",
)


def _receipt(request: HttpRequest) -> Receipt | None:
    text = _read_cookie(request, RECEIPT_COOKIE, _RECEIPT_SALT)
    return Receipt.loads(text) if text is not None else None


def _refused(
    request: HttpRequest, refusal: Refusal, *, credential: Credential | None = None
) -> HttpResponse:
    held = _receipt(request)
    context = {
        "refusal": refusal,
        "election": credential.voter.election if credential else None,
        "has_receipt": credential is not None
        and held is not None
        and held.credential == credential.pk,
    }
    return render(request, "ballots/refused.html", context)


def _rate_limited(request: HttpRequest, error: RateLimited) -> HttpResponse:
    response = render(request, "ballots/rate_limited.html", {"minutes": error.minutes}, status=429)
    response["Retry-After"] = str(int(error.retry_after.total_seconds()) + 1)
    return response


def _credential(pk: int | None) -> Credential | None:
    if pk is None:
        return None
    # No ordering: the models' default orderings would join the roll and members just to sort one row.
    return (
        Credential.objects.select_related("voter__election", "voter__member", "voter__region")
        .filter(pk=pk)
        .order_by()
        .first()
    )


@dataclass(frozen=True)
class _Column:
    """One column of the casting query: the model field, and the converters Django applies to it."""

    field: Any
    converters: tuple[Callable[..., Any], ...]
    expression: Col

    def convert(self, value: object) -> object:
        for converter in self.converters:
            value = converter(value, self.expression, connection)
        return value


@lru_cache(maxsize=64)
def _chain_sql(connection: BaseDatabaseWrapper) -> tuple[str, list[list[_Column]]]:
    """Return one query reading a credential, its roll entry and election, and their columns.

    Built once per database connection (each thread has its own), converters included.
    """
    models = (Credential, Voter, Election)
    quote = connection.ops.quote_name
    columns: list[list[_Column]] = []
    selected = []
    for alias, model in zip("cve", models, strict=True):
        chunk = []
        for field in model._meta.concrete_fields:
            expression = Col(alias, field)
            converters = connection.ops.get_db_converters(expression) + field.get_db_converters(
                connection
            )
            chunk.append(_Column(field, tuple(converters), expression))
            selected.append(f"{alias}.{quote(str(field.column))}")
        columns.append(chunk)
    sql = (
        f"SELECT {', '.join(selected)} FROM {Credential._meta.db_table} c "
        f"JOIN {Voter._meta.db_table} v ON v.id = c.voter_id "
        f"JOIN {Election._meta.db_table} e ON e.id = v.election_id WHERE c.id = %s"
    )
    return sql, columns


def _credential_for_casting(pk: int) -> Credential | None:
    """Return the credential with its roll entry and election in one plain query.

    The same rows `_credential` reads, less the member and region, which casting does not need
    (they load on first use): the cast is the one request every ballot makes, and building this
    query through the ORM cost more than everything else the cast does. Values pass through the
    same converters the ORM applies (SQLite's datetimes, for one, become aware).
    """
    sql, columns = _chain_sql(connections[DEFAULT_DB_ALIAS])
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk])
        row = cursor.fetchone()
    if row is None:
        return None
    values = iter(row)

    def load(model: type[Any], chunk: list[_Column]) -> Any:
        converted = [column.convert(next(values)) for column in chunk]
        return model.from_db(connection.alias, [c.field.attname for c in chunk], converted)

    credential: Credential = load(Credential, columns[0])
    voter: Voter = load(Voter, columns[1])
    voter.election = load(Election, columns[2])
    credential.voter = voter
    return credential


def _cookie_ids(request: HttpRequest) -> tuple[int, str] | None:
    """Return the credential pk and binding the voting cookie names, if it is genuine."""
    text = _read_cookie(request, VOTING_COOKIE, _VOTING_SALT)
    pk, _, binding = (text or "").partition(":")
    return (int(pk), binding) if pk.isdigit() and binding else None


def _cookie_credential(request: HttpRequest) -> Credential | None:
    ids = _cookie_ids(request)
    credential = _credential(ids[0]) if ids is not None else None
    if credential is None or ids is None or not _binds(credential, ids[1]):
        return None
    return credential


def _enter(request: HttpRequest, credential: Credential) -> HttpResponse:
    """Start voting with a credential: hand the browser its signed cookie, show the paper."""
    refusal = _refusal(credential)
    if refusal is not None:
        return _refused(request, refusal, credential=credential)
    response = redirect("ballots:paper")
    _set_cookie(response, VOTING_COOKIE, f"{credential.pk}:{_binding(credential)}", _VOTING_SALT)
    # Someone else's receipt from an earlier vote on this computer is not shown to this voter.
    response.delete_cookie(RECEIPT_COOKIE, path=_cookie_path())
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def vote(request: HttpRequest) -> HttpResponse:
    """Ask for a membership number and voting code, and open the ballot paper if they match."""
    form = VoteForm(posted(request))
    if form.is_valid():
        number = form.cleaned_data["membership_number"]
        ip = client_ip(request)
        try:
            ratelimit.check(ratelimit.VOTING_CODE, number, ip)
        except RateLimited as error:
            return _rate_limited(request, error)
        credential = find_credential(form.cleaned_data["code"])
        matches = credential is not None and number == normalise_membership_number(
            credential.voter.member.membership_number
        )
        ratelimit.record(ratelimit.VOTING_CODE, number, ip, succeeded=matches)
        if credential is not None and matches:
            return _enter(request, credential)
        # One message for a wrong number and an unknown code, so neither can be probed alone.
        form.add_error(
            None,
            "The membership number and voting code do not match. Check both against your "
            "ballot email or letter and try again.",
        )
    context = {"form": form, "voting": _cookie_credential(request)}
    return render(request, "ballots/vote.html", context, status=400 if form.errors else 200)


@never_cache
@require_GET
def code_link(request: HttpRequest, code: str) -> HttpResponse:
    """Open the ballot from the emailed link, then move on so the code leaves the address bar."""
    ip = client_ip(request)
    # The link's own subject is the address: only unknown codes count against it.
    subject = f"link:{ip}"
    try:
        ratelimit.check(ratelimit.VOTING_CODE, subject, ip)
    except RateLimited as error:
        return _rate_limited(request, error)
    credential = find_credential(code)
    if credential is None:
        ratelimit.record(ratelimit.VOTING_CODE, subject, ip, succeeded=False)
        return _refused(request, UNKNOWN_CODE)
    return _enter(request, credential)


def _papers(credential: Credential) -> list[Paper]:
    voter = credential.voter
    return papers_for(voter.election, voter.region_id)


def _render_paper(
    request: HttpRequest, credential: Credential, form: PaperForm, *, status: int = 200
) -> HttpResponse:
    context = {
        "form": form,
        "sections": form.sections(),
        "errors": form.errors,
        "voter": credential.voter,
        "election": credential.voter.election,
    }
    return render(request, "ballots/paper.html", context, status=status)


def _no_credential(request: HttpRequest) -> HttpResponse:
    if _receipt(request) is not None:
        return redirect("ballots:receipt")
    messages.info(request, "Enter your membership number and voting code to open your ballot.")
    return redirect("ballots:vote")


@never_cache
@require_http_methods(["GET", "POST"])
def paper(request: HttpRequest) -> HttpResponse:
    """Show the ballot paper; on POST check the choices and show them for review."""
    credential = _cookie_credential(request)
    if credential is None:
        return _no_credential(request)
    refusal = _refusal(credential)
    if refusal is not None:
        return _refused(request, refusal, credential=credential)
    form = PaperForm(_papers(credential), posted(request))
    if request.method == "POST" and "change" not in request.POST:
        if form.is_valid():
            context = {
                "sections": form.sections(),
                "hidden": form.hidden_fields(),
                "voter": credential.voter,
                "election": credential.voter.election,
            }
            return render(request, "ballots/review.html", context)
        return _render_paper(request, credential, form, status=400)
    return _render_paper(request, credential, form)


def _show_receipt(
    request: HttpRequest, receipt: Receipt, election: Election, *, again: bool = False
) -> HttpResponse:
    """Render the receipt page, and swap the voting cookie for the receipt cookie."""
    context = {"receipt": receipt, "election": election, "tracker": receipt.tracker, "again": again}
    response = render(request, "ballots/receipt.html", context)
    response.delete_cookie(VOTING_COOKIE, path=_cookie_path())
    _set_cookie(response, RECEIPT_COOKIE, receipt.dumps(), _RECEIPT_SALT)
    return response


def _cast_before(request: HttpRequest, credential: Credential, error: Refused) -> HttpResponse:
    """Answer a cast refused as already voted: the receipt again if it was this code, online."""
    fresh = _credential(credential.pk)
    if fresh is not None and fresh.used and fresh.tracker and fresh.voter.voted == Channel.ONLINE:
        held = _receipt(request)
        emailed = held is not None and held.credential == fresh.pk and held.emailed
        receipt = Receipt(
            fresh.pk, fresh.voter.election_id, fresh.tracker, _binding(fresh), emailed
        )
        return _show_receipt(request, receipt, fresh.voter.election, again=True)
    refusal = _refusal(fresh or credential) or Refusal(
        "already-voted", "You have already voted", str(error)
    )
    return _refused(request, refusal, credential=fresh or credential)


@never_cache
@require_POST
def cast(request: HttpRequest) -> HttpResponse:
    """Re-check the reviewed choices and cast the ballot; answer with the receipt."""
    ids = _cookie_ids(request)
    credential = _credential_for_casting(ids[0]) if ids is not None else None
    if credential is None or ids is None or not _binds(credential, ids[1]):
        return _no_credential(request)
    if "change" in request.POST:
        return _render_paper(request, credential, PaperForm(_papers(credential), request.POST))
    papers = _papers(credential)
    form = PaperForm(papers, request.POST)
    if not form.is_valid():
        return _render_paper(request, credential, form, status=400)
    try:
        tracker = do_cast_ballot(credential, form.choices(), papers=papers)
    except AlreadyVoted as error:
        return _cast_before(request, credential, error)
    except Refused as error:
        refusal = _refusal(credential) or Refusal("refused", "Your vote was not cast", str(error))
        return _refused(request, refusal, credential=credential)
    except BallotError as error:
        # The form checks what the paper checks, so this is a paper that changed under the voter.
        messages.error(request, f"Your vote was not cast. {error}")
        return _render_paper(request, credential, form, status=400)
    receipt = Receipt(credential.pk, credential.voter.election_id, tracker, _binding(credential))
    return _show_receipt(request, receipt, credential.voter.election)


@never_cache
@require_http_methods(["GET", "POST"])
def receipt(request: HttpRequest) -> HttpResponse:
    """Show the tracker of the ballot cast in this browser, and email it on request."""
    held = _receipt(request)
    if held is None:
        return render(request, "ballots/receipt.html", {"receipt": None})
    election = get_object_or_404(Election, pk=held.election)
    if request.method == "POST":
        return _email_receipt(request, held, election)
    context = {"receipt": held, "election": election, "tracker": held.tracker}
    return render(request, "ballots/receipt.html", context)


def _email_receipt(request: HttpRequest, held: Receipt, election: Election) -> HttpResponse:
    credential = _credential(held.credential)
    response = redirect("ballots:receipt")
    if (
        credential is None
        or credential.tracker != held.tracker
        or not _binds(credential, held.binding)
    ):
        return response
    member = credential.voter.member
    # The cookie's flag is the browser's memory; the log is the server's, so replaying a cookie
    # from before the email cannot send it again.
    sent = BallotEmail.objects.filter(
        election=election, member=member, kind=EmailKind.RECEIPT, status=EmailStatus.SENT
    ).exists()
    if held.emailed or sent:
        messages.info(request, "Your tracker has already been emailed to you.")
    elif not member.email:
        messages.warning(
            request,
            "There is no email address on your membership record, so we cannot email your "
            "tracker. Please write it down or take a screenshot.",
        )
    else:
        send_receipt_email.enqueue(member.pk, election.pk, held.tracker)
        emailed = Receipt(held.credential, held.election, held.tracker, held.binding, emailed=True)
        _set_cookie(response, RECEIPT_COOKIE, emailed.dumps(), _RECEIPT_SALT)
        messages.success(
            request, "We are emailing your tracker to the address on your membership record."
        )
    return response


@require_GET
def trackers(request: HttpRequest, slug: str) -> HttpResponse:
    """List every counted ballot's tracker once the count starts, with a search for one tracker."""
    election = get_object_or_404(Election, slug=slug)
    # The trackers are in the ballot box, sealed with the ballots, until the count opens it.
    if election.phase() not in (Phase.COUNT, Phase.RESULTS) or not count_started(election):
        return render(request, "ballots/trackers_pending.html", {"election": election}, status=404)
    codes = Tracker.objects.filter(election=election).order_by("code")
    search = TrackerSearchForm(request.GET if "tracker" in request.GET else None)
    found: bool | None = None
    found_page: int | None = None
    if search.is_valid():
        wanted = search.cleaned_data["tracker"]
        found = codes.filter(code=wanted).exists()
        if found:
            found_page = codes.filter(code__lt=wanted).count() // TRACKERS_PER_PAGE + 1
    paginator = Paginator(codes.values_list("code", flat=True), TRACKERS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    context: dict[str, object] = {
        "election": election,
        "page": page,
        "search": search,
        "found": found,
        "found_page": found_page,
    }
    return render(request, "ballots/trackers.html", context, status=400 if search.errors else 200)


urlpatterns: list[URLPattern] = [
    path("", vote, name="vote"),
    path("code/<str:code>/", code_link, name="code"),
    path("paper/", paper, name="paper"),
    path("cast/", cast, name="cast"),
    path("receipt/", receipt, name="receipt"),
    path("<slug:slug>/trackers/", trackers, name="trackers"),
]
