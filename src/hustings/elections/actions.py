"""Creating and changing elections and contests; each change audited with what it changed."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model

from hustings.accounts.access import is_returning_officer
from hustings.audit import tags
from hustings.audit.chain import record_event
from hustings.elections.models import TIMETABLE, Contest, Election, RepresentationRule

if TYPE_CHECKING:
    from hustings.accounts.models import User

__all__ = [
    "do_create_contest",
    "do_create_election",
    "do_set_representation_rules",
    "do_update_contest",
    "do_update_election",
]

TIMETABLE_FIELDS = frozenset(name for name, _ in TIMETABLE)


def _require_officer(actor: User | None) -> None:
    if actor is not None and not is_returning_officer(actor):
        raise PermissionDenied("Only the returning officer may do this.")


def _json(value: Any) -> Any:
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _set(obj: Model, changes: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Apply changes to obj and return {field: [before, after]} for those that differ."""
    diff = {}
    for name, value in changes.items():
        before = getattr(obj, name)
        if before != value:
            diff[name] = [_json(before), _json(value)]
            setattr(obj, name, value)
    return diff


def do_create_election(actor: User | None, **fields: Any) -> Election:
    """Create an election with its timetable and eligibility rules."""
    _require_officer(actor)
    election = Election(**fields)
    election.full_clean()
    with transaction.atomic():
        election.save()
        record_event(
            tags.ELECTION_CREATED,
            actor=actor,
            obj=election,
            election=election,
            data={name: _json(getattr(election, name)) for name in fields},
        )
    return election


def do_update_election(actor: User | None, election: Election, **changes: Any) -> Election:
    """Change an election; timetable changes are logged under their own tag."""
    _require_officer(actor)
    with transaction.atomic():
        diff = _set(election, changes)
        if not diff:
            return election
        election.full_clean()
        election.save()
        timetable = {k: v for k, v in diff.items() if k in TIMETABLE_FIELDS}
        rest = {k: v for k, v in diff.items() if k not in TIMETABLE_FIELDS}
        if timetable:
            record_event(
                tags.ELECTION_TIMETABLE_CHANGED,
                actor=actor,
                obj=election,
                election=election,
                data={"changed": timetable, "phase_now": election.phase().value},
            )
        if rest:
            record_event(
                tags.ELECTION_CHANGED,
                actor=actor,
                obj=election,
                election=election,
                data={"changed": rest},
            )
    return election


RuleSpec = Mapping[str, Any]


def _make_rules(contest: Contest, rules: Iterable[RuleSpec]) -> list[dict[str, Any]]:
    made: list[dict[str, Any]] = []
    for spec in rules:
        rule = RepresentationRule(contest=contest, **spec)
        rule.full_clean(exclude=["contest"])
        rule.clean()
        rule.save()
        made.append(
            {
                "attribute": rule.attribute,
                "value": rule.value,
                "minimum": rule.minimum,
                "maximum": rule.maximum,
            }
        )
    total_minimum = sum(rule["minimum"] for rule in made)
    if total_minimum > contest.seats:
        raise ValidationError(
            f"The representation rules need at least {total_minimum} winners, but "
            f"{contest} has only {contest.seats} seat(s)."
        )
    return made


def do_create_contest(
    actor: User | None,
    election: Election,
    *,
    representation_rules: Iterable[RuleSpec] = (),
    **fields: Any,
) -> Contest:
    """Create a contest in an election, with its representation rules."""
    _require_officer(actor)
    contest = Contest(election=election, **fields)
    contest.full_clean()
    with transaction.atomic():
        contest.save()
        rules = _make_rules(contest, representation_rules)
        record_event(
            tags.CONTEST_CREATED,
            actor=actor,
            obj=contest,
            election=election,
            data={
                **{name: _json(getattr(contest, name)) for name in fields},
                "representation_rules": rules,
            },
        )
    return contest


def do_update_contest(actor: User | None, contest: Contest, **changes: Any) -> Contest:
    """Change a contest's settings."""
    _require_officer(actor)
    with transaction.atomic():
        diff = _set(contest, changes)
        if not diff:
            return contest
        contest.full_clean()
        contest.save()
        record_event(
            tags.CONTEST_CHANGED,
            actor=actor,
            obj=contest,
            election=contest.election,
            data={"changed": diff},
        )
    return contest


def do_set_representation_rules(
    actor: User | None, contest: Contest, rules: Iterable[RuleSpec]
) -> list[RepresentationRule]:
    """Replace a contest's representation rules."""
    _require_officer(actor)
    with transaction.atomic():
        before = [str(rule) for rule in contest.representation_rules.all()]
        contest.representation_rules.all().delete()
        after = _make_rules(contest, rules)
        record_event(
            tags.CONTEST_CHANGED,
            actor=actor,
            obj=contest,
            election=contest.election,
            data={"representation_rules": {"before": before, "after": after}},
        )
    return list(contest.representation_rules.all())
