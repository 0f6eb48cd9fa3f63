"""Untrusted text never runs: scripts, event handlers, javascript: and data: links, styles.

Every kind of text members and candidates write (statements, quotes, updates, questions, answers,
questionnaire answers and report-backs) is filled with hostile markup, and every page and feed that
shows it is parsed to prove no element, attribute or address from it survived.
"""

from __future__ import annotations

from datetime import timedelta
from html.parser import HTMLParser
from xml.etree import ElementTree

import pytest
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone

from hustings.campaign import queries
from hustings.campaign.models import (
    Answer,
    PublicQuestion,
    Question,
    Questionnaire,
    QuoteStatus,
    Support,
)
from hustings.elections.models import Phase
from tests import factories
from tests.accounts.helpers import staff_client
from tests.campaign.helpers import page, publish_winners, signed_in

pytestmark = pytest.mark.django_db

# Short enough for a quote (280 characters); each piece is one way to run or restyle content.
SHORT = (
    '<script>alert("x1")</script><img src=x onerror=alert(2)>'
    '<a href="javascript:alert(3)" onclick="alert(4)" style="color:red">j</a>'
    "[m](javascript:alert(5))"
)
# Short enough for a title (150 characters).
TITLE = '<script>alert(1)</script><img src=x onerror=alert(2)><a href="javascript:alert(3)">j</a>'
LONG = (
    SHORT
    + '\n\n<svg onload=alert(6)><circle/></svg><iframe src="javascript:alert(7)"></iframe>'
    + '\n\n<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCg4KTwvc2NyaXB0Pg==">d</a>'
    + "[d](data:text/html,<script>alert(9)</script>)\n\n"
    + '<div style="background:url(javascript:alert(10))">s</div><body onload="alert(11)">'
    + '<form action="javascript:alert(12)"><button formaction="javascript:alert(13)">b</button>'
    + "</form>\n\n**bold** and [a safe link](https://example.org/)"
)
ADDRESS_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "srcset", "poster"}


class Hostile(HTMLParser):
    """Collect every way an HTML document could run script or restyle itself."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "iframe", "object", "embed"):
            self._in_script = tag == "script"
        if tag in ("iframe", "object", "embed", "svg", "form") and self._payload_nearby(attrs):
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            value = (value or "").strip().lower()
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if name == "style":
                self.found.append(f"<{tag} style=…>")
            if name in ADDRESS_ATTRIBUTES and value.startswith(("javascript:", "data:")):
                self.found.append(f"<{tag} {name}={value[:30]}>")

    def _payload_nearby(self, attrs: list[tuple[str, str | None]]) -> bool:
        return any("alert" in (value or "") for _, value in attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and "alert" in data:
            self.found.append(f"<script>{data[:30]}</script>")


def hostile_in_html(document: str) -> list[str]:
    """Return what in the document could run script or restyle it."""
    parser = Hostile()
    parser.feed(document)
    parser.close()
    return parser.found


def hostile_in_atom(document: bytes) -> list[str]:
    """Return what in an Atom feed's HTML content could run script or restyle it."""
    root = ElementTree.fromstring(document)
    found: list[str] = []
    for element in root.iter():
        if element.get("type") == "html" and element.text:
            found += hostile_in_html(element.text)
        if element.get("type") == "xhtml" or (element.tag.endswith("title") and len(element)):
            # Titles are plain text, escaped by the feed writer: markup parsed as elements in
            # one would be shown as markup by a feed reader.
            found.append(f"markup in {element.tag}")
    return found


@pytest.fixture
def scene():  # type: ignore[no-untyped-def]
    """Build a published election whose every campaign text is hostile."""
    election = factories.make_election(Phase.RESULTS)
    contest = factories.make_contest(election)
    target = factories.make_candidacy(
        contest, statement=LONG, why_standing=LONG, experience=[SHORT], priorities=[SHORT]
    )
    others = [factories.make_candidacy(contest) for _ in range(2)]
    publish_winners(election, target)
    now = timezone.now()
    supporter = factories.make_member(with_user=True)
    Support.objects.create(
        candidacy=target,
        member=supporter,
        quote=SHORT,
        quote_status=QuoteStatus.APPROVED,
        created_at=now,
    )
    pending = factories.make_member(with_user=True)
    Support.objects.create(
        candidacy=target,
        member=pending,
        quote=SHORT,
        quote_status=QuoteStatus.PENDING,
        created_at=now,
    )
    client = signed_in(target.member.user)
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert (
            client.post(
                reverse("campaign:new-update", args=[target.pk]), {"title": TITLE, "body": LONG}
            ).status_code
            == 302
        )
        assert (
            client.post(
                reverse("campaign:new-report-back", args=[target.pk]),
                {"title": TITLE, "meeting_date": str(timezone.localdate()), "body": LONG},
            ).status_code
            == 302
        )
    PublicQuestion.objects.create(
        candidacy=target, asker=supporter, text=SHORT, asked_at=now, answer=LONG, answered_at=now
    )
    questionnaire = Questionnaire.objects.create(
        election=election,
        group_name=TITLE,
        title=TITLE,
        deadline=now + timedelta(days=3),
        created_at=now,
    )
    questionnaire.contests.set([contest])
    question = Question.objects.create(
        questionnaire=questionnaire, position=1, text=SHORT, max_chars=2000
    )
    Answer.objects.create(question=question, candidacy=target, text=LONG, answered_at=now)
    return target, others


def test_no_hostile_markup_survives_on_the_candidate_page(scene) -> None:  # type: ignore[no-untyped-def]
    target, _ = scene
    for client in (Client(), signed_in(target.member.user), signed_in(factories.member())):
        response = client.get(page(target))
        assert response.status_code == 200
        text = response.content.decode()
        assert hostile_in_html(text) == []
        # The hostile text is shown, as text: it was not silently dropped.
        assert "&lt;script&gt;alert(&quot;x1&quot;)&lt;/script&gt;" in text
        # The safe part of the formatting still works.
        assert '<a href="https://example.org/" rel="nofollow ugc noopener noreferrer">' in text


def test_no_hostile_markup_survives_on_the_representative_page(scene) -> None:  # type: ignore[no-untyped-def]
    target, _ = scene
    response = Client().get(reverse("campaign:representative", args=[target.pk]))

    assert response.status_code == 200
    assert hostile_in_html(response.content.decode()) == []


def test_no_hostile_markup_survives_in_either_feed(scene) -> None:  # type: ignore[no-untyped-def]
    target, _ = scene
    for name in ("campaign:updates-feed", "campaign:reports-feed"):
        response = Client().get(reverse(name, args=[target.pk]))
        assert response.status_code == 200
        assert hostile_in_atom(response.content) == []
        # The entry's HTML keeps the safe link, so the check above looked at real content.
        assert b"https://example.org/" in response.content


def test_no_hostile_markup_survives_on_the_staff_pages(scene) -> None:  # type: ignore[no-untyped-def]
    target, _ = scene
    client = staff_client(factories.returning_officer())
    question = queries.questions_for(target).get()
    for url in (
        reverse("campaign:moderation"),
        reverse("campaign:questionnaires"),
        reverse("campaign:hide-question", args=[question.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert hostile_in_html(response.content.decode()) == []


def test_no_hostile_markup_survives_on_the_candidates_own_forms(scene) -> None:  # type: ignore[no-untyped-def]
    target, _ = scene
    client = signed_in(target.member.user)
    question = queries.questions_for(target).get()
    questionnaire = Questionnaire.objects.get()
    for url in (
        reverse("campaign:answer-question", args=[question.pk]),
        reverse("campaign:answer-questionnaire", args=[questionnaire.pk, target.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert hostile_in_html(response.content.decode()) == []


def test_no_hostile_markup_survives_in_the_voter_guide(scene) -> None:  # type: ignore[no-untyped-def]
    target, others = scene
    contest = target.contest
    args = [contest.election.slug, contest.slug]
    guide = Client().get(reverse("guide:contest", args=args))
    compare = Client().get(
        reverse("guide:compare", args=args), {"c": [target.pk, others[0].pk, others[1].pk]}
    )

    for response in (guide, compare):
        assert response.status_code == 200
        assert hostile_in_html(response.content.decode()) == []


def test_the_checker_itself_finds_each_kind_of_hostile_markup() -> None:
    found = hostile_in_html(
        '<script>alert(1)</script><img src=x onerror=alert(2)><a href="javascript:x">a</a>'
        '<a href="data:text/html,x">b</a><p style="color:red">c</p>'
    )

    assert found == [
        "<script>alert(1)</script>",
        "<img onerror=…>",
        "<a href=javascript:x>",
        "<a href=data:text/html,x>",
        "<p style=…>",
    ]
