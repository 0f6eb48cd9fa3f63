"""Staff record a unit's paper return in the admin, under the same rules; the lists open."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from hustings.audit import tags
from hustings.audit.models import AuditEvent
from hustings.nominations.actions import do_close_nominations, do_record_unit_nominations
from hustings.nominations.models import UnitReturn
from tests.accounts.helpers import staff_client
from tests.factories import observer, returning_officer
from tests.nominations.scenario import meeting, scenario

pytestmark = pytest.mark.django_db


def paper_form(s, unit, candidacies):
    return {
        "unit": unit.pk,
        "contest": s.contest.pk,
        "meeting_date": (timezone.localdate() - timedelta(days=1)).isoformat(),
        "meeting_kind": "all-member",
        "attendance": 70,
        "recorded_via": "paper form",
        "candidacies": [c.pk for c in candidacies],
        "nominations-TOTAL_FORMS": "0",
        "nominations-INITIAL_FORMS": "0",
    }


def test_staff_record_a_paper_return_through_the_action():
    s = scenario()
    unit = s.units[1][0]
    client = staff_client(returning_officer())

    response = client.post(
        reverse("admin:nominations_unitreturn_add"), paper_form(s, unit, s.candidates[:3])
    )

    assert response.status_code == 302, response.content.decode()[-2000:]
    unit_return = UnitReturn.objects.get(unit=unit)
    assert unit_return.nominations.count() == 3
    assert unit_return.recorded_via == "paper form"
    assert AuditEvent.objects.filter(tag=tags.UNIT_NOMINATIONS_RECORDED).count() == 1


def test_a_paper_return_breaking_the_maximum_is_refused_with_the_reason():
    s = scenario()
    client = staff_client(returning_officer())

    response = client.post(
        reverse("admin:nominations_unitreturn_add"), paper_form(s, s.units[1][0], s.candidates[:7])
    )

    assert response.status_code == 200
    assert "at most 6 candidates in this contest; 7 were given" in response.content.decode()
    assert not UnitReturn.objects.exists()


def test_observers_see_returns_and_results_but_cannot_add():
    s = scenario(threshold_units=1)
    do_record_unit_nominations(None, s.units[1][0], s.contest, s.candidates[:2], meeting=meeting())
    do_close_nominations(None, s.election, now=s.election.nominations_close_at)
    client = staff_client(observer())

    for name in ("unitreturn", "thresholdresult", "nominationsclosure", "affiliate"):
        assert client.get(reverse(f"admin:nominations_{name}_changelist")).status_code == 200
    unit_return = UnitReturn.objects.get()
    page = client.get(reverse("admin:nominations_unitreturn_change", args=[unit_return.pk]))
    assert page.status_code == 200
    assert s.candidates[0].member.name in page.content.decode()
    assert client.get(reverse("admin:nominations_unitreturn_add")).status_code == 403
