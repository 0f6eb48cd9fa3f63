"""Nothing about a result shows before publication, on any page or download, to anyone but staff."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from hustings.accounts.actions import do_create_user_for_member
from hustings.accounts.models import User
from tests.accounts.helpers import staff_client
from tests.factories import member, observer, returning_officer, unit_secretary
from tests.results.pages import Counted, counted

pytestmark = pytest.mark.django_db

KINDS = ("blt", "csv", "attributes", "result")


def public_urls(done: Counted) -> list[str]:
    """Every public results page and download of the counted election."""
    slug = done.slug
    urls = [reverse("results:election", args=[slug])]
    for result in (done.national, done.regional):
        contest = result.contest.slug
        urls += [
            reverse("results:contest", args=[slug, contest]),
            reverse("results:sheet", args=[slug, contest]),
            reverse("results:verify", args=[slug, contest]),
        ]
        urls += [
            reverse("results:download", args=[slug, contest, result.pk, kind]) for kind in KINDS
        ]
    return urls


def staff_urls(done: Counted) -> list[str]:
    """The staff pages: the review, and the returning officer's forms."""
    return [
        reverse(f"results:{name}", args=[done.slug]) for name in ("review", "publish", "vacancy")
    ]


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def outsiders(done: Counted) -> dict[str, Client]:
    """Anonymous visitors, a member, a candidate in the contest and a unit secretary."""
    candidate = do_create_user_for_member(done.scene.national_candidates[0].member)
    return {
        "anonymous": Client(),
        "member": signed_in(member()),
        "candidate": signed_in(candidate),
        "secretary": signed_in(unit_secretary()),
    }


def secrets_of(done: Counted) -> list[str]:
    """Strings that would give a result away: checksums, the seed, stage notes, winners marked."""
    found = []
    for result in (done.national, done.regional):
        found += [result.blt_sha256, result.result_sha256, result.csv_sha256]
        found += [stage["note"] for stage in result.result["rounds"] if stage["note"]]
        found += [f"{name} (elected)" for name in result.result["elected"]]
    found += [done.count.seed, "✓ elected", "was elected in place of", "Provisional"]
    return found


def assert_nothing_leaks(body: str, done: Counted) -> None:
    for secret in secrets_of(done):
        assert secret not in body, secret


def test_before_publication_every_results_page_and_download_is_not_found_for_outsiders():
    done = counted()
    for who, client in outsiders(done).items():
        for url in public_urls(done):
            response = client.get(url)
            assert response.status_code == 404, (who, url, response.status_code)
            assert_nothing_leaks(response.content.decode(), done)


def test_before_publication_staff_pages_send_visitors_to_sign_in_and_refuse_members():
    done = counted()
    for who, client in outsiders(done).items():
        for url in staff_urls(done):
            response = client.get(url)
            if who == "anonymous":
                assert response.status_code == 302, url
                assert response["Location"].startswith(reverse("accounts:staff-sign-in"))
            else:
                assert response.status_code == 403, (who, url)
            assert_nothing_leaks(response.content.decode(), done)


def test_members_cannot_start_recount_or_publish():
    done = counted()
    for who, client in outsiders(done).items():
        for name in ("start-count", "recount", "publish"):
            response = client.post(reverse(f"results:{name}", args=[done.slug]))
            assert response.status_code in (302, 403), (who, name)
    assert done.count.publications.count() == 0


def test_before_publication_no_totals_or_results_link_on_election_contest_or_candidate_pages():
    done = counted()
    scene = done.scene
    pages = [
        reverse("elections:election", args=[done.slug]),
        reverse("elections:contest", args=[done.slug, scene.national.slug]),
        reverse("elections:contest", args=[done.slug, scene.regional.slug]),
        reverse("nominations:tally", args=[done.slug, scene.national.slug]),
        reverse("guide:contest", args=[done.slug, scene.national.slug]),
    ] + [
        reverse("candidates:candidate", args=[c.pk])
        for c in [*scene.national_candidates, *scene.regional_candidates]
    ]
    results_link = reverse("results:election", args=[done.slug])
    for who, client in outsiders(done).items():
        for url in pages:
            response = client.get(url)
            assert response.status_code == 200, (who, url)
            body = response.content.decode()
            assert results_link not in body, (who, url)
            assert_nothing_leaks(body, done)


def test_the_admin_shows_results_to_no_one_but_staff():
    done = counted()
    urls = [
        "/admin/",
        "/admin/results/",
        "/admin/results/count/",
        "/admin/results/contestresult/",
        f"/admin/results/contestresult/{done.national.pk}/change/",
    ]
    for who, client in outsiders(done).items():
        for url in urls:
            response = client.get(url)
            assert response.status_code in (302, 404), (who, url, response.status_code)
            if response.status_code == 302:
                assert "/login/" in response["Location"] or "sign-in" in response["Location"]
            assert_nothing_leaks(response.content.decode(), done)


@pytest.mark.parametrize("persona", [returning_officer, observer])
def test_staff_see_the_review_and_the_provisional_pages_marked_provisional(persona):
    done = counted()
    client = staff_client(persona())
    review = client.get(reverse("results:review", args=[done.slug]))
    assert review.status_code == 200
    for name in done.national.result["elected"]:
        assert name in review.content.decode()
    for url in public_urls(done):
        response = client.get(url)
        assert response.status_code == 200, url
        if "/files/" not in url:
            assert "Provisional: not published." in response.content.decode()
    election_page = client.get(reverse("elections:election", args=[done.slug])).content.decode()
    assert reverse("results:review", args=[done.slug]) in election_page


def test_after_publication_everyone_sees_every_page_and_download():
    done = counted(publish=True)
    for who, client in outsiders(done).items():
        for url in public_urls(done):
            response = client.get(url)
            assert response.status_code == 200, (who, url)
            assert "Provisional" not in response.content.decode()
        election_page = client.get(reverse("elections:election", args=[done.slug]))
        assert reverse("results:election", args=[done.slug]) in election_page.content.decode()


def test_a_recount_after_publication_is_not_shown_to_the_public():
    done = counted(publish=True)
    officer = staff_client(returning_officer())
    officer.post(reverse("results:recount", args=[done.slug]))
    recount = done.scene.election.counts.get(kind="recount")
    result = recount.results.get(contest=done.scene.national)
    url = reverse("results:download", args=[done.slug, done.scene.national.slug, result.pk, "blt"])
    assert Client().get(url).status_code == 404
    assert officer.get(url).status_code == 200
