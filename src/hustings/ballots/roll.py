"""The roll of voters and their credentials: who may vote, and minting and revoking codes.

These are the primitives; the audited actions that issue credentials in bulk, send ballot emails
and reissue lost codes call them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from hustings.ballots.casting import AlreadyVoted
from hustings.ballots.codes import code_digest, new_code
from hustings.ballots.models import Credential, Delivery, Voter
from hustings.elections.models import Election

if TYPE_CHECKING:
    from hustings.accounts.models import User

__all__ = ["add_eligible_voters", "mint_credential", "mint_credentials"]

_CHUNK = 5000


def add_eligible_voters(election: Election, *, now: datetime | None = None) -> int:
    """Put every eligible member not yet on the roll onto it; return how many were added.

    Members already on the roll keep their entry (and region), so running it again after a
    late register update adds only the newcomers.
    """
    now = now or timezone.now()
    existing = set(Voter.objects.filter(election=election).values_list("member_id", flat=True))
    eligible = (
        election.eligible_voters()
        .order_by("pk")
        .values_list("pk", "unit__region_id")
        .iterator(chunk_size=_CHUNK)
    )
    batch: list[Voter] = []
    added = 0
    for member_id, region_id in eligible:
        if member_id in existing:
            continue
        batch.append(
            Voter(election=election, member_id=member_id, region_id=region_id, added_at=now)
        )
        if len(batch) >= _CHUNK:
            Voter.objects.bulk_create(batch)
            added += len(batch)
            batch = []
    if batch:
        Voter.objects.bulk_create(batch)
        added += len(batch)
    return added


def mint_credential(
    voter: Voter,
    *,
    delivery: str = Delivery.EMAIL,
    actor: User | None = None,
    reissue: bool = False,
    now: datetime | None = None,
) -> str:
    """Issue the voter a new code, revoking any unused one; return the code, which is not stored.

    Call inside a transaction. Refuse with AlreadyVoted once the voter has voted: a used
    credential is never replaced.
    """
    now = now or timezone.now()
    # Lock the roll entry: a cast in flight either finishes first (and we refuse) or waits for us
    # (and finds its credential revoked).
    locked = Voter.objects.select_for_update().get(pk=voter.pk)
    if locked.voted:
        raise AlreadyVoted(f"{voter.member.name} has already voted; their code cannot be reissued.")
    Credential.objects.filter(voter=locked, revoked_at__isnull=True).update(revoked_at=now)
    for _ in range(5):
        code = new_code()
        try:
            with transaction.atomic():
                Credential.objects.create(
                    voter=locked,
                    code_digest=code_digest(code),
                    delivery=delivery,
                    issued_at=now,
                    issued_by=actor,
                    reissue=reissue,
                )
        except IntegrityError:
            continue
        return code
    raise RuntimeError("could not draw an unused voting code")


def mint_credentials(
    voters: Sequence[Voter],
    *,
    delivery: str,
    actor: User | None = None,
    now: datetime | None = None,
) -> list[tuple[Voter, str]]:
    """Issue first codes in bulk to voters who have none live and have not voted; return them.

    For issuing to a whole roll at once (the print file, the demo): one insert per thousand
    voters instead of a locked round trip each. Call inside a transaction. Voters who already
    hold a live credential or have voted are skipped; reissuing is `mint_credential`'s job.
    """
    now = now or timezone.now()
    ids = [voter.pk for voter in voters]
    holding = set(
        Credential.objects.filter(voter_id__in=ids, revoked_at__isnull=True).values_list(
            "voter_id", flat=True
        )
    )
    issued: list[tuple[Voter, str]] = []
    rows: list[Credential] = []
    for voter in voters:
        if voter.pk in holding or voter.voted:
            continue
        code = new_code()
        issued.append((voter, code))
        rows.append(
            Credential(
                voter=voter,
                code_digest=code_digest(code),
                delivery=delivery,
                issued_at=now,
                issued_by=actor,
            )
        )
    # 80 random bits: a clash among a few million codes has odds of about one in 10^11, and the
    # unique index turns even that into an error rather than a shared code.
    Credential.objects.bulk_create(rows, batch_size=1000)
    return issued
