"""The result pages render the stored result: winners, charts, tables, sheets, files, staff actions."""

from __future__ import annotations

import hashlib
import re
import shlex
from decimal import Decimal
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from hustings.count_command import run
from hustings.results.files import file_names, recount_command
from hustings.results.models import Count, CountKind, CountStatus, Publication, Vacancy
from tests.accounts.helpers import staff_client
from tests.factories import BallotScene, observer, returning_officer
from tests.results.pages import counted

pytestmark = pytest.mark.django_db


def page(client: Client, name: str, *args: object) -> str:
    response = client.get(reverse(f"results:{name}", args=args))
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def svg_of(html: str) -> str:
    found = re.search(r"<svg[^>]*class=\"result-chart\".*?</svg>", html, re.S)
    assert found is not None
    return found.group(0)


def test_the_election_page_lists_every_contests_winners_turnout_and_blank_ballots():
    done = counted(publish=True)
    html = page(Client(), "election", done.slug)
    for result in (done.national, done.regional):
        for name in result.result["elected"]:
            assert name in html
        assert f'<td class="number">{result.blank}</td>' in html
    # 14 voters on the roll, all voted: 12 online and 2 by post.
    assert "<dt>On the roll</dt><dd>14</dd>" in html
    assert '<th scope="row">Online</th><td class="number">12</td>' in html
    assert '<th scope="row">By post</th><td class="number">2</td>' in html
    assert done.scene.region.name in html
    assert "Provisional" not in html


def test_the_block_vote_page_charts_every_candidates_votes_with_the_winners_marked():
    done = counted(publish=True)
    html = page(Client(), "contest", done.slug, done.scene.national.slug)
    chart = svg_of(html)
    totals = done.national.result["rounds"][0]["totals"]
    for name, votes in totals.items():
        elected = name in done.national.result["elected"]
        assert f">{votes}{' ✓ elected' if elected else ''}</text>" in chart
        assert f'<th scope="row">{name}</th><td class="number">{votes}</td>' in html
    assert "<title" in chart
    assert "<desc" in chart


def test_the_block_vote_page_explains_the_substitution_in_words():
    done = counted(publish=True)
    html = page(Client(), "contest", done.slug, done.scene.national.slug)
    assert (
        "Di Candidate was elected in place of Ben Candidate, who had more votes, because at "
        "least 1 of the 2 seats must go to women."
    ) in html


def test_no_substitution_sentence_when_the_rule_did_not_change_the_winners():
    done = counted(publish=True)
    html = page(Client(), "contest", done.slug, done.scene.regional.slug)
    assert "in place of" not in html


def test_the_stv_page_has_the_sheet_with_every_stored_figure_and_the_stage_chart():
    done = counted(publish=True)
    html = page(Client(), "contest", done.slug, done.scene.regional.slug)
    data = done.regional.result
    for stage in data["rounds"]:
        assert f"Stage {stage['number']}" in html
        for total in stage["totals"].values():
            assert total in html
    assert f"<dt>Quota</dt><dd>{data['quota']}</dd>" in html
    chart = svg_of(html)
    assert "<title>Quota</title>" in chart
    for name in data["candidates"]:
        outcome = "elected" if name in data["elected"] else "not elected"
        assert f"<title>{name} ({outcome})</title>" in chart
    # Exhausted (non-transferable) votes at the end of the count.
    assert data["rounds"][-1]["non_transferable"] in html


def test_the_printable_sheet_has_signature_lines_and_the_print_stylesheet():
    done = counted(publish=True)
    html = page(Client(), "sheet", done.slug, done.scene.regional.slug)
    assert "<span>Returning officer</span>" in html
    assert html.count("<span>Observer</span>") == 2
    assert "results/results.css" in html
    for name in done.regional.result["elected"]:
        assert name in html


def test_the_verify_page_shows_each_files_checksum_and_the_recount_command():
    done = counted(publish=True)
    result = done.national
    html = page(Client(), "verify", done.slug, done.scene.national.slug)
    for digest in (
        result.blt_sha256,
        result.csv_sha256,
        result.attributes_sha256,
        result.result_sha256,
    ):
        assert digest in html
    command = recount_command(result)
    assert command.startswith("hustings count ")
    assert command in html
    assert f"sha256sum {file_names(result)['blt']}" in html
    assert reverse("ballots:trackers", args=[done.slug]) in html


@pytest.mark.parametrize(
    ("kind", "content_type", "field"),
    [
        ("blt", "text/plain", "blt"),
        ("csv", "text/csv", "csv"),
        ("attributes", "text/csv", "attributes"),
        ("result", "application/json", "result_json"),
    ],
)
def test_each_download_is_the_stored_file_with_its_checksum_type_and_name(
    kind, content_type, field
):
    done = counted(publish=True)
    result = done.national
    url = reverse("results:download", args=[done.slug, result.contest.slug, result.pk, kind])
    response = Client().get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    name = file_names(result)[kind]
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    assert response.content == getattr(result, field).encode()
    digest = hashlib.sha256(response.content).hexdigest()
    assert digest in page(Client(), "verify", done.slug, result.contest.slug)


def test_a_download_of_another_contests_result_is_not_found():
    done = counted(publish=True)
    url = reverse(
        "results:download", args=[done.slug, done.scene.national.slug, done.regional.pk, "blt"]
    )
    assert Client().get(url).status_code == 404


def test_the_returning_officer_starts_the_count_from_the_review_and_sees_the_winners():
    done = counted()
    # A second election to start from scratch: the scene's count already ran.
    Count.objects.all().delete()
    officer = staff_client(returning_officer())
    html = page(officer, "review", done.slug)
    assert "Start the count" in html
    response = officer.post(reverse("results:start-count", args=[done.slug]), follow=True)
    html = response.content.decode()
    assert "The count has finished" in html
    count = Count.objects.get()
    for result in count.results.all():
        for name in result.result["elected"]:
            assert name in html
    assert "Publish the results" in html
    assert count.seed in html


def test_with_a_background_worker_the_review_says_the_count_is_running_and_polls(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    done = counted()
    Count.objects.all().delete()
    officer = staff_client(returning_officer())
    response = officer.post(reverse("results:start-count", args=[done.slug]), follow=True)
    html = response.content.decode()
    assert "Count running" in html
    assert 'hx-trigger="every 2s"' in html
    assert Count.objects.get().status == CountStatus.QUEUED


def test_publishing_asks_for_confirmation_then_publishes():
    done = counted()
    officer = staff_client(returning_officer())
    html = page(officer, "publish", done.slug)
    assert "cannot be undone" in html
    assert not Publication.objects.exists()
    response = officer.post(reverse("results:publish", args=[done.slug]), {"count": done.count.pk})
    assert response.status_code == 302
    assert response["Location"] == reverse("results:election", args=[done.slug])
    assert Publication.objects.get().count == done.count
    assert Client().get(response["Location"]).status_code == 200


def test_a_recount_shows_that_it_is_identical():
    done = counted()
    officer = staff_client(returning_officer())
    response = officer.post(reverse("results:recount", args=[done.slug]), follow=True)
    html = response.content.decode()
    assert "The recount is identical to the count." in html
    recount = Count.objects.get(kind=CountKind.RECOUNT)
    assert f"Recount #{recount.pk} is <strong>identical</strong>" in html


def test_the_review_shows_a_recount_that_differs(settings):
    done = counted()
    recount = Count.objects.create(
        election=done.scene.election,
        kind=CountKind.RECOUNT,
        status=CountStatus.DONE,
        seed=done.count.seed,
        started_at=done.count.started_at,
        repeats=done.count,
        comparison={
            "original": done.count.pk,
            "identical": False,
            "contests": [
                {
                    "contest": done.scene.national.pk,
                    "name": "National",
                    "identical": False,
                    "differences": ["the ballots differ (BLT checksum)"],
                }
            ],
        },
    )
    html = page(staff_client(observer()), "review", done.slug)
    assert f"Recount #{recount.pk} <strong>differs</strong>" in html
    assert "the ballots differ (BLT checksum)" in html


def test_an_observer_sees_the_review_but_no_buttons_and_cannot_act():
    done = counted()
    client = staff_client(observer())
    html = page(client, "review", done.slug)
    for name in done.national.result["elected"]:
        assert name in html
    assert "Start the count" not in html
    assert "Publish the results" not in html
    for name in ("start-count", "recount", "publish", "vacancy"):
        assert reverse(f"results:{name}", args=[done.slug]) not in html
    for name in ("start-count", "recount", "publish", "vacancy"):
        assert client.post(reverse(f"results:{name}", args=[done.slug])).status_code == 403
    assert not Publication.objects.exists()
    assert Count.objects.count() == 1


def test_a_vacancy_is_filled_and_the_amendment_appears_with_the_original_still_shown():
    done = counted(publish=True)
    officer = staff_client(returning_officer())
    di = done.scene.national_candidates[3]
    html = page(officer, "vacancy", done.slug)
    assert "Di Candidate (National)" in html
    response = officer.post(
        reverse("results:vacancy", args=[done.slug]),
        {"candidacy": di.pk, "reason": "Resigned by letter"},
        follow=True,
    )
    html = response.content.decode()
    vacancy = Vacancy.objects.get()
    assert vacancy.filled_by is not None
    # Only Ada is left who keeps a woman on the committee.
    assert vacancy.filled_by.name == "Ada Candidate"
    assert "Di Candidate has stood down; Ada Candidate fills the seat." in html
    public = page(Client(), "contest", done.slug, done.scene.national.slug)
    assert "Di Candidate</strong> stood down" in public
    assert "Ada Candidate fills the seat." in public
    # The original result is still there: Di elected in place of Ben.
    assert "Di Candidate was elected in place of Ben Candidate" in public
    verify = page(Client(), "verify", done.slug, done.scene.national.slug)
    assert vacancy.result is not None
    assert vacancy.result.blt_sha256 in verify
    assert recount_command(vacancy.result) in verify
    assert "Amendments since the result" in page(Client(), "election", done.slug)


def test_the_vacancy_form_refuses_a_blank_reason():
    done = counted(publish=True)
    officer = staff_client(returning_officer())
    di = done.scene.national_candidates[3]
    response = officer.post(
        reverse("results:vacancy", args=[done.slug]), {"candidacy": di.pk, "reason": ""}
    )
    assert response.status_code == 400
    assert not Vacancy.objects.exists()


def test_stored_totals_are_shown_exactly_not_recomputed():
    done = counted(publish=True)
    html = page(Client(), "sheet", done.slug, done.scene.regional.slug)
    stage_two = done.regional.result["rounds"][1]
    for name, moved in stage_two["transfers"].items():
        if name and Decimal(moved):
            shown = moved if moved.startswith("-") else "+" + moved
            assert shown in html


@pytest.mark.parametrize("contest", ["national", "regional"])
def test_the_command_on_the_verify_page_recounts_the_downloads_to_the_published_json(
    contest, tmp_path, monkeypatch, capsys
):
    done = counted(publish=True)
    result = getattr(done, contest)
    client = Client()
    html = page(client, "verify", done.slug, result.contest.slug)
    for kind in ("blt", "attributes", "result"):
        response = client.get(
            reverse("results:download", args=[done.slug, result.contest.slug, result.pk, kind])
        )
        name = re.search(r'filename="([^"]+)"', response["Content-Disposition"]).group(1)
        (tmp_path / name).write_bytes(response.content)
    shown = re.search(r'<pre class="command"><code>(.*?)</code></pre>', html, re.S).group(1)
    words = shlex.split(unescape(shown))
    assert words[:2] == ["hustings", "count"]
    monkeypatch.chdir(tmp_path)
    capsys.readouterr()
    assert run(words[2:]) == 0
    printed = capsys.readouterr().out.encode()
    assert printed == (tmp_path / file_names(result)["result"]).read_bytes()
    assert hashlib.sha256(printed).hexdigest() in html


def test_before_the_close_the_review_offers_no_count():
    scene = BallotScene()
    officer = staff_client(returning_officer())
    html = page(officer, "review", scene.election.slug)
    assert "The count can start after that." in html
    assert "Start the count" not in html
    response = officer.post(reverse("results:start-count", args=[scene.election.slug]), follow=True)
    assert "count only after it closes" in response.content.decode()
    assert not Count.objects.exists()
