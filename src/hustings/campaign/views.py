"""Campaign pages: supporting, updates and feeds, questionnaires, questions, moderation, reports."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from hustings.accounts import access as accounts_access
from hustings.accounts.forms import posted
from hustings.accounts.tokens import base_url
from hustings.campaign import access, actions, formatting, queries
from hustings.campaign.forms import (
    AnswerQuestionForm,
    AskForm,
    CampaignUpdateForm,
    HideQuestionForm,
    QuestionnaireAnswersForm,
    QuestionnaireForm,
    ReportBackForm,
    ReportQuestionForm,
    SupportForm,
    UpdateEmailsForm,
)
from hustings.campaign.models import CampaignUpdate, Questionnaire, ReportBack, Support
from hustings.candidates.forms import add_action_error
from hustings.candidates.models import Candidacy
from hustings.elections.models import Election

signed_in = login_required(login_url="accounts:sign-in")
staff_signed_in = login_required(login_url="accounts:staff-sign-in")


def _candidate_page(candidacy: Candidacy | int, anchor: str = "") -> str:
    pk = candidacy if isinstance(candidacy, int) else candidacy.pk
    url = reverse("candidates:candidate", args=[pk])
    return f"{url}#{anchor}" if anchor else url


# -- Supporters ---------------------------------------------------------------------------------


@signed_in
@require_http_methods(["GET", "POST"])
def support(request: accounts_access.AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Let a signed-in member publicly support a candidate, with an optional quote."""
    member, candidacy = access.get_candidacy_for_supporting(request.user, pk)
    existing = queries.support_of(member, candidacy)
    form = SupportForm(posted(request))
    if existing is None and form.is_valid():
        try:
            created = actions.do_support(
                request.user,
                member,
                candidacy,
                quote=form.cleaned_data["quote"],
                email_updates=form.cleaned_data["email_updates"],
            )
        except ValidationError as error:
            add_action_error(form, error)
        else:
            note = (
                " Your quote will appear once the returning officer has approved it."
                if created.quote
                else ""
            )
            messages.success(request, f"You now support {candidacy.member.name}.{note}")
            return redirect(_candidate_page(candidacy, "supporters"))
    context = {"candidacy": candidacy, "form": form, "existing": existing}
    return render(request, "campaign/support.html", context, status=400 if form.errors else 200)


@signed_in
@require_POST
def withdraw_support(request: accounts_access.AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Withdraw the member's own support, with its quote and email opt-in."""
    found = access.get_support_for_changing(request.user, pk)
    actions.do_withdraw_support(request.user, found)
    messages.success(request, f"You no longer support {found.candidacy.member.name}.")
    return redirect(_candidate_page(found.candidacy_id, "supporters"))


@signed_in
@require_POST
def update_emails(request: accounts_access.AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Turn the supporter's campaign update emails on or off."""
    found = access.get_support_for_changing(request.user, pk)
    form = UpdateEmailsForm(request.POST)
    wanted = form.is_valid() and bool(form.cleaned_data["email_updates"])
    actions.do_set_update_emails(request.user, found, wanted)
    messages.success(
        request,
        "You will be emailed campaign updates."
        if wanted
        else "You will not be emailed campaign updates.",
    )
    return redirect(_candidate_page(found.candidacy_id, "supporters"))


# -- Campaign updates and their feed ------------------------------------------------------------


@signed_in
@require_http_methods(["GET", "POST"])
def new_update(request: accounts_access.AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Let the candidate post a campaign update."""
    candidacy = access.get_candidacy_for_updating(request.user, pk)
    form = CampaignUpdateForm(posted(request))
    if form.is_valid():
        try:
            actions.do_post_update(request.user, candidacy, **form.cleaned_data)
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, "Your update is published.")
            return redirect(_candidate_page(candidacy, "updates"))
    context = {"candidacy": candidacy, "form": form, "kind": "update"}
    return render(request, "campaign/post.html", context, status=400 if form.errors else 200)


def _feed(
    *,
    title: str,
    link: str,
    feed_url: str,
    description: str,
    author: str,
    entries: Iterable[tuple[str, str, str, datetime, str]],
) -> HttpResponse:
    feed = Atom1Feed(
        title=title,
        link=link,
        description=description,
        feed_url=feed_url,
        author_name=author,
        language="en-gb",
    )
    for entry_title, entry_link, ident, when, body in entries:
        feed.add_item(
            title=entry_title,
            link=entry_link,
            description=formatting.to_html(body),
            unique_id=ident,
            pubdate=when,
            updateddate=when,
            author_name=author,
        )
    response = HttpResponse(content_type=f"{feed.content_type}")
    feed.write(response, "utf-8")
    return response


def updates_feed(request: HttpRequest, pk: int) -> HttpResponse:
    """Return the Atom feed of a standing candidate's campaign updates."""
    candidacy = access.standing_candidacy(pk)
    page = base_url() + _candidate_page(candidacy)
    updates: list[CampaignUpdate] = list(queries.updates_for(candidacy)[:50])
    return _feed(
        title=f"Campaign updates from {candidacy.member.name}",
        link=page,
        feed_url=base_url() + request.path,
        description=f"{candidacy.member.name}, candidate for {candidacy.contest.name}",
        author=candidacy.member.name,
        entries=(
            (u.title, f"{page}#update-{u.pk}", f"{page}#update-{u.pk}", u.posted_at, u.body)
            for u in updates
        ),
    )


# -- Questionnaires -----------------------------------------------------------------------------


@staff_signed_in
def questionnaires(request: accounts_access.AuthenticatedHttpRequest) -> HttpResponse:
    """List every questionnaire, and the elections a new one may be registered for."""
    access.require_questionnaire_staff(request.user)
    context = {
        "questionnaires": Questionnaire.objects.select_related("election")
        .prefetch_related("contests", "questions")
        .order_by("-deadline"),
        "elections": Election.objects.order_by("-ballot_open_at"),
    }
    return render(request, "campaign/questionnaires.html", context)


@staff_signed_in
@require_http_methods(["GET", "POST"])
def new_questionnaire(
    request: accounts_access.AuthenticatedHttpRequest, election: str
) -> HttpResponse:
    """Let the returning officer register a group's questionnaire."""
    access.require_questionnaire_staff(request.user)
    found = get_object_or_404(Election, slug=election)
    form = QuestionnaireForm(posted(request), election=found)
    if form.is_valid():
        try:
            actions.do_register_questionnaire(
                request.user,
                found,
                group_name=form.cleaned_data["group_name"],
                title=form.cleaned_data["title"],
                deadline=form.cleaned_data["deadline"],
                contests=form.cleaned_data["contests"],
                questions=form.questions(),
            )
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, "The questionnaire is registered; candidates can answer it.")
            return redirect("campaign:questionnaires")
    context = {"election": found, "form": form}
    return render(
        request, "campaign/questionnaire_new.html", context, status=400 if form.errors else 200
    )


@signed_in
@require_http_methods(["GET", "POST"])
def answer_questionnaire(
    request: accounts_access.AuthenticatedHttpRequest, pk: int, candidacy: int
) -> HttpResponse:
    """Let the candidate answer a questionnaire sent to their contest, before its deadline."""
    questionnaire, found = access.get_questionnaire_for_answering(request.user, pk, candidacy)
    questions = list(questionnaire.questions.order_by("position"))
    form = QuestionnaireAnswersForm(
        posted(request), questions=questions, answers=queries.answers_by_question(found)
    )
    is_open = queries.open_for_answers(questionnaire)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_answer_questionnaire(request.user, found, questionnaire, form.answers())
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, f"Your answers to {questionnaire.title} are saved.")
            return redirect(_candidate_page(found, "questionnaires"))
    context = {
        "questionnaire": questionnaire,
        "candidacy": found,
        "form": form,
        "is_open": is_open,
    }
    status = 400 if form.errors else 200
    return render(request, "campaign/questionnaire_answer.html", context, status=status)


# -- Public questions ---------------------------------------------------------------------------


@signed_in
@require_http_methods(["GET", "POST"])
def ask(request: accounts_access.AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Let a signed-in member put a public question to a candidate."""
    member, candidacy = access.get_candidacy_for_asking(request.user, pk)
    form = AskForm(posted(request))
    status = 200
    if form.is_valid():
        try:
            actions.do_ask_question(request.user, member, candidacy, form.cleaned_data["text"])
        except actions.QuestionLimitReached as error:
            add_action_error(form, error)
            status = 429
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, f"Your question to {candidacy.member.name} is published.")
            return redirect(_candidate_page(candidacy, "questions"))
    if form.errors and status == 200:
        status = 400
    context = {"candidacy": candidacy, "form": form}
    return render(request, "campaign/ask.html", context, status=status)


@signed_in
@require_http_methods(["GET", "POST"])
def answer_question(request: accounts_access.AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Let the candidate answer a question put to them."""
    question = access.get_question_for_answering(request.user, pk)
    form = AnswerQuestionForm(posted(request), initial={"answer": question.answer})
    if form.is_valid():
        try:
            actions.do_answer_question(request.user, question, form.cleaned_data["answer"])
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, "Your answer is published.")
            return redirect(_candidate_page(question.candidacy_id, f"question-{question.pk}"))
    context = {"question": question, "candidacy": question.candidacy, "form": form}
    return render(
        request, "campaign/answer_question.html", context, status=400 if form.errors else 200
    )


@signed_in
@require_http_methods(["GET", "POST"])
def report_question(request: accounts_access.AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Let a signed-in member report an abusive question to the returning officer."""
    member, question = access.get_question_for_reporting(request.user, pk)
    form = ReportQuestionForm(posted(request))
    if form.is_valid():
        try:
            actions.do_report_question(request.user, member, question, form.cleaned_data["reason"])
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, "Thank you: the returning officer will look at it.")
            return redirect(_candidate_page(question.candidacy_id, "questions"))
    context = {"question": question, "candidacy": question.candidacy, "form": form}
    return render(
        request, "campaign/report_question.html", context, status=400 if form.errors else 200
    )


# -- Moderation ---------------------------------------------------------------------------------


@staff_signed_in
def moderation(request: accounts_access.AuthenticatedHttpRequest) -> HttpResponse:
    """Show the moderation queue: quotes awaiting approval and questions, reported first."""
    access.require_moderator_view(request.user)
    context = {
        "quotes": queries.pending_quotes(),
        "questions": queries.moderation_questions()[:100],
        "may_act": accounts_access.is_returning_officer(request.user),
    }
    return render(request, "campaign/moderation.html", context)


@staff_signed_in
@require_POST
def moderate_quote(request: accounts_access.AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Approve or decline a supporter's quote."""
    found = access.get_support_for_moderating(request.user, pk)
    approve = request.POST.get("decision") == "approve"
    try:
        actions.do_moderate_quote(request.user, found, approve=approve)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"Quote from {found.member.name} {'approved' if approve else 'not published'}.",
        )
    return redirect("campaign:moderation")


@staff_signed_in
@require_http_methods(["GET", "POST"])
def hide_question(request: accounts_access.AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Let the returning officer hide a question everywhere, giving a reason."""
    question = access.get_question_for_hiding(request.user, pk)
    form = HideQuestionForm(posted(request))
    if form.is_valid():
        try:
            actions.do_hide_question(request.user, question, form.cleaned_data["reason"])
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, "The question is hidden.")
            return redirect("campaign:moderation")
    context = {"question": question, "form": form}
    return render(
        request, "campaign/hide_question.html", context, status=400 if form.errors else 200
    )


# -- Report-backs -------------------------------------------------------------------------------


def representative(request: HttpRequest, pk: int) -> HttpResponse:
    """Show an elected representative's report-backs, newest meeting first."""
    candidacy = access.representative(pk)
    member = accounts_access.member_for(request.user)
    context = {
        "candidacy": candidacy,
        "reports": queries.report_backs_for(candidacy),
        "follow": queries.follow_of(member, candidacy),
        "is_owner": member is not None and member.pk == candidacy.member_id,
        "is_member": member is not None,
    }
    return render(request, "campaign/representative.html", context)


@signed_in
@require_http_methods(["GET", "POST"])
def new_report_back(request: accounts_access.AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Let an elected representative publish a report of a meeting."""
    candidacy = access.get_representative_for_reporting(request.user, pk)
    form = ReportBackForm(posted(request))
    if form.is_valid():
        try:
            actions.do_publish_report_back(request.user, candidacy, **form.cleaned_data)
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, "Your report is published and emailed to your followers.")
            return redirect("campaign:representative", candidacy.pk)
    context = {"candidacy": candidacy, "form": form, "kind": "report"}
    return render(request, "campaign/post.html", context, status=400 if form.errors else 200)


def report_backs_feed(request: HttpRequest, pk: int) -> HttpResponse:
    """Return the Atom feed of an elected representative's report-backs."""
    candidacy = access.representative(pk)
    page = base_url() + reverse("campaign:representative", args=[candidacy.pk])
    reports: list[ReportBack] = list(queries.report_backs_for(candidacy)[:50])
    return _feed(
        title=f"Report-backs from {candidacy.member.name}",
        link=page,
        feed_url=base_url() + request.path,
        description=f"{candidacy.member.name}, elected in {candidacy.contest.name}",
        author=candidacy.member.name,
        entries=(
            (
                f"{r.title} ({r.meeting_date:%-d %B %Y})",
                f"{page}#report-{r.pk}",
                f"{page}#report-{r.pk}",
                r.published_at,
                r.body,
            )
            for r in reports
        ),
    )


@signed_in
@require_POST
def follow(request: accounts_access.AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Start emailing a representative's report-backs to the signed-in member."""
    member, candidacy = access.get_representative_for_following(request.user, pk)
    actions.do_follow(request.user, member, candidacy)
    messages.success(request, f"You will be emailed {candidacy.member.name}'s report-backs.")
    return redirect("campaign:representative", candidacy.pk)


@signed_in
@require_POST
def unfollow(request: accounts_access.AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Stop emailing a representative's report-backs to the signed-in member."""
    found = access.get_follow_for_ending(request.user, pk)
    actions.do_end_follow(request.user, found)
    messages.success(request, "You will no longer be emailed these report-backs.")
    return redirect("campaign:representative", found.candidacy_id)


# -- Unsubscribing ------------------------------------------------------------------------------


# The signed token is the authority, not a session: mail programs post here without cookies
# (RFC 8058 one-click), so there is no CSRF token to check and nothing a forged post could gain.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Show a one-button unsubscribe page; posting it (or a mail program's one-click) ends emails."""
    found = actions.read_subscription(token)
    if found is None:
        return render(request, "campaign/unsubscribe.html", {"invalid": True}, status=404)
    context = {"found": found, "kind": "updates" if isinstance(found, Support) else "reports"}
    if request.method == "POST":
        actions.do_unsubscribe(token)
        return render(request, "campaign/unsubscribe.html", {**context, "done": True})
    return render(request, "campaign/unsubscribe.html", context)
