"""Count contests with the counting library and store everything a recount needs.

Each contest is counted exactly as `hustings count` would count its published BLT file: the same
profile (the file's canonical order), the attributes parsed back from the published attributes
file, and the representation rules in the shape the CLI rebuilds them from --min and --max. The
seed drawn at the start of the count is passed to the library; when no tie needed a lot the stored
result says so (seed None), which is what the CLI prints without --seed, since the seed does
nothing but draw lots.
"""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Collection, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from hustings.audit import tags
from hustings.audit.chain import record_event
from hustings.counting import Constraint, Rules, count
from hustings.counting.io import parse_attributes
from hustings.counting.report import json_report
from hustings.elections.models import Contest
from hustings.results.aggregate import aggregate_contest, spoilt_papers
from hustings.results.files import cli_constraints, verification_files
from hustings.results.models import (
    ContestResult,
    Count,
    CountKind,
    CountStatus,
    sha256_hex,
)

__all__ = ["SITTING", "compare_counts", "count_contest", "draw_seed", "execute_count"]

#: The attribute that marks the members a casual-vacancy count must keep elected.
SITTING = "sitting"


def draw_seed() -> str:
    """Return a fresh seed for any lot, 12 random decimal digits (about 40 bits)."""
    return str(secrets.randbelow(10**12)).zfill(12)


def count_contest(
    contest: Contest,
    seed: str,
    *,
    withdrawn: Collection[int] = (),
    sitting: Sequence[int] = (),
) -> ContestResult:
    """Count one contest and return its (unsaved) result with the verification files.

    `withdrawn` candidacies are withdrawn from the count; `sitting` ones (a casual vacancy's
    remaining members) must all be elected, through a representation rule on the `sitting`
    attribute, so that every other candidate is counted exactly as before.
    """
    ballots = aggregate_contest(contest, withdrawn=withdrawn)
    extra = None
    rules = list(contest.constraints())
    if sitting:
        names = {c.candidacy_id: c.name for c in ballots.candidates}
        extra = {SITTING: {names[pk]: "yes" for pk in sitting}}
        rules.append(Constraint(SITTING, "yes", minimum=len(sitting)))
    files = verification_files(ballots, extra)
    attributes = parse_attributes(files.attributes, candidates=ballots.profile.candidates)
    _, constraints = cli_constraints(rules)
    outcome = count(
        ballots.profile,
        Rules(
            method=contest.method,  # type: ignore[arg-type]
            constraints=constraints,
            attributes=attributes,
            seed=int(seed),
        ),
    )
    lot = any(tie.by == "lot" for tie in outcome.tie_breaks)
    if not lot:
        outcome = dataclasses.replace(outcome, seed=None)
    result_json = json_report(outcome)
    return ContestResult(
        contest=contest,
        method=contest.method,
        seats=contest.seats,
        seed=seed if lot else "",
        result=outcome.to_dict(),
        candidacy_ids=[c.candidacy_id for c in ballots.candidates],
        withdrawn_ids=sorted(withdrawn),
        elected_ids=[ballots.candidacy_id(name) for name in outcome.elected],
        ballots=ballots.ballots,
        blank=ballots.blank,
        blt=files.blt,
        blt_sha256=sha256_hex(files.blt),
        csv=files.csv,
        csv_sha256=sha256_hex(files.csv),
        attributes=files.attributes,
        attributes_sha256=sha256_hex(files.attributes),
        result_json=result_json,
        result_sha256=sha256_hex(result_json),
    )


def compare_counts(original: Count, recount: Count) -> dict[str, Any]:
    """Return whether two counts agree, contest by contest, and how any differ."""
    before = {r.contest_id: r for r in original.results.select_related("contest")}
    contests = []
    for result in recount.results.select_related("contest"):
        earlier = before.pop(result.contest_id, None)
        differences: list[str] = []
        if earlier is None:
            differences.append("the original count has no result for this contest")
        else:
            for field in ("blt_sha256", "attributes_sha256", "result_sha256"):
                if getattr(earlier, field) != getattr(result, field):
                    differences.append(_DIFFERENCE[field])
            if earlier.elected_ids != result.elected_ids:
                differences.append(
                    f"elected {result.result['elected']} instead of {earlier.result['elected']}"
                )
        contests.append(
            {
                "contest": result.contest_id,
                "name": result.contest.name,
                "identical": not differences,
                "differences": differences,
            }
        )
    for missing in before.values():
        contests.append(
            {
                "contest": missing.contest_id,
                "name": missing.contest.name,
                "identical": False,
                "differences": ["the recount has no result for this contest"],
            }
        )
    return {
        "original": original.pk,
        "identical": all(c["identical"] for c in contests),
        "contests": contests,
    }


_DIFFERENCE = {
    "blt_sha256": "the ballots differ (BLT checksum)",
    "attributes_sha256": "the candidates' attributes differ",
    "result_sha256": "the count sheet differs (result checksum)",
}


def execute_count(count_id: int) -> Count:
    """Run a queued count of every contest in its election, store the results, and return it."""
    with transaction.atomic():
        current = Count.objects.select_for_update().select_related("election").get(pk=count_id)
        if current.status != CountStatus.QUEUED:
            return current
        current.status = CountStatus.RUNNING
        current.save(update_fields=["status"])
    election = current.election
    try:
        results = [count_contest(contest, current.seed) for contest in election.contests.all()]
    except Exception as error:
        # Whatever went wrong, the count must end marked failed with the reason, never stuck
        # "running"; the returning officer sees the message and may start another.
        with transaction.atomic():
            current.status = CountStatus.FAILED
            current.error = f"{type(error).__name__}: {error}"
            current.finished_at = timezone.now()
            current.save(update_fields=["status", "error", "finished_at"])
            record_event(
                tags.RESULTS_COUNT_FAILED,
                actor=None,
                obj=current,
                election=election,
                data={"count": current.pk, "kind": current.kind, "error": current.error},
            )
        return current
    with transaction.atomic():
        for result in results:
            result.count = current
        ContestResult.objects.bulk_create(results)
        current.status = CountStatus.DONE
        current.finished_at = timezone.now()
        current.spoilt = spoilt_papers(election)
        fields = ["status", "finished_at", "spoilt"]
        if current.kind == CountKind.RECOUNT and current.repeats is not None:
            current.comparison = compare_counts(current.repeats, current)
            fields.append("comparison")
        current.save(update_fields=fields)
        # The event names what was counted and the checksums, which reveal nothing until the
        # files are published, never who won.
        record_event(
            tags.RESULTS_COUNT_FINISHED,
            actor=None,
            obj=current,
            election=election,
            data={
                "count": current.pk,
                "kind": current.kind,
                "seed": current.seed,
                "contests": {
                    str(r.contest_id): {
                        "blt_sha256": r.blt_sha256,
                        "result_sha256": r.result_sha256,
                    }
                    for r in results
                },
            },
        )
        if current.kind == CountKind.RECOUNT:
            record_event(
                tags.RESULTS_RECOUNT_COMPARED,
                actor=None,
                obj=current,
                election=election,
                data={
                    "count": current.pk,
                    "repeats": current.repeats_id,
                    "identical": current.comparison.get("identical"),
                },
            )
    return current
