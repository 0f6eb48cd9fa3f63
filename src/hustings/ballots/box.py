"""The ballot box: ballots sealed as they are cast, opened in random order when the count starts.

Casting must mark the roll and store the ballot in one transaction, so the database's own
bookkeeping ties the two together for as long as the stored ballot stays where it was written: on
PostgreSQL every row a transaction writes carries its id (`xmin`), the write-ahead log and any
backup keep them side by side, and in both databases rows sit in the order they were written. So
the ballot is not stored readable while voting goes on. Each cast writes a `SealedBallot`: the
ballot's channel, votes and tracker, padded to a fixed size and encrypted with AES-256-GCM under a
key derived from the application's secret key (which the database never holds), bound to its
election. Whoever can read the database, its logs or its backups sees that a member voted and an
opaque box of the same size as every other, and nothing else.

When the first count starts (after which no ballot can be added) `open_ballot_box` opens every box
of the election and writes the ballots, their votes and the trackers as ordinary rows, in one
transaction, each table in an order of its own drawn at random, then deletes the boxes. None of
those rows was written by a casting transaction, and their order says nothing about when anyone
voted. Opening checks that the box holds exactly one ballot per member the roll marks as voted and
that every box is authentic; otherwise it refuses and changes nothing.

Keys: the current SECRET_KEY seals; SECRET_KEY and every SECRET_KEY_FALLBACKS open. A key that
sealed ballots must stay configured until they are opened (docs/operations.md).
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.db import connection, transaction
from django.utils.crypto import salted_hmac

from hustings.accounts import keyed
from hustings.ballots.models import Ballot, SealedBallot, Tracker, Vote, Voter
from hustings.elections.models import Election

__all__ = [
    "BallotBoxError",
    "Opened",
    "box_key_ids",
    "missing_keys",
    "open_ballot_box",
    "open_box",
    "seal",
]

# Every box's plaintext is padded to a multiple of this, so its size does not say how many
# preferences the voter marked. A two-contest ballot with full rankings fits in one block.
BLOCK = 512
_NONCE_BYTES = 12


class BallotBoxError(Exception):
    """The box cannot be opened as it is: a key is missing, a box was altered, or ballots are missing."""


@dataclass(frozen=True)
class Opened:
    """One opened box: the ballot's channel, its tracker, and the stored ranking per contest id."""

    channel: str
    tracker: str
    rankings: dict[int, str]


@lru_cache(maxsize=8)
def _derive(secret: str) -> tuple[str, AESGCM]:
    material = salted_hmac(
        "hustings.ballots.box", "key", secret=secret, algorithm="sha256"
    ).digest()
    key_id = salted_hmac("hustings.ballots.box-id", "id", secret=secret, algorithm="sha256")
    return key_id.hexdigest()[:16], AESGCM(material)


def _ring() -> dict[str, AESGCM]:
    ring: dict[str, AESGCM] = {}
    for secret in keyed.secret_keys():
        key_id, aead = _derive(secret)
        ring.setdefault(key_id, aead)
    return ring


def box_key_ids() -> list[str]:
    """Return the ids of the keys that can open boxes now, the sealing key first."""
    return list(_ring())


def _aad(election_id: int) -> bytes:
    return f"hustings.ballots.box:{election_id}".encode()


def seal(
    election_id: int, channel: str, tracker: str, rankings: Mapping[int, str]
) -> tuple[str, bytes]:
    """Return the sealing key's id and the box for one ballot of the election."""
    key_id, aead = _derive(keyed.secret_keys()[0])
    content = {"c": channel, "t": tracker, "v": {str(k): v for k, v in rankings.items()}}
    plain = json.dumps(content, separators=(",", ":"), sort_keys=True).encode()
    plain += b" " * (-len(plain) % BLOCK)
    nonce = os.urandom(_NONCE_BYTES)
    return key_id, nonce + aead.encrypt(nonce, plain, _aad(election_id))


def open_box(
    election_id: int, key_id: str, box: bytes, *, ring: Mapping[str, AESGCM] | None = None
) -> Opened:
    """Open one box; raise BallotBoxError if its key is not configured or it is not authentic."""
    aead = (ring if ring is not None else _ring()).get(key_id)
    if aead is None:
        raise BallotBoxError(f"no configured secret key has id {key_id}")
    try:
        plain = aead.decrypt(box[:_NONCE_BYTES], box[_NONCE_BYTES:], _aad(election_id))
    except InvalidTag:
        raise BallotBoxError(
            "a sealed ballot failed authentication: it was altered, or sealed for another election"
        ) from None
    content: dict[str, Any] = json.loads(plain)
    return Opened(content["c"], content["t"], {int(k): v for k, v in content["v"].items()})


def missing_keys(election: Election) -> list[str]:
    """Return the ids of keys that sealed ballots of the election and are not configured now."""
    used = set(
        SealedBallot.objects.filter(election=election).values_list("key_id", flat=True).distinct()
    )
    return sorted(used - set(_ring()))


def _insert(model: Any, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Insert rows in the given order: COPY on PostgreSQL, one prepared statement elsewhere."""
    table = model._meta.db_table
    fields = [model._meta.get_field(column) for column in columns]
    names = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        prepared = (
            [
                field.get_db_prep_value(value, connection)
                for field, value in zip(fields, row, strict=True)
            ]
            for row in rows
        )
        placeholders = ", ".join(["%s"] * len(fields))
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", list(prepared))


def open_ballot_box(election: Election) -> int:
    """Open every sealed ballot of the election into ballots, votes and trackers; return how many.

    All in one transaction: either every box is opened and stored, or (BallotBoxError) nothing is.
    Opening an election with nothing sealed does nothing.
    """
    with transaction.atomic():
        sealed = list(SealedBallot.objects.filter(election=election).values_list("key_id", "box"))
        # Every member the roll marks as voted has one ballot: sealed, or opened by an earlier call.
        voted = Voter.objects.filter(election=election).exclude(voted="").count()
        already = Ballot.objects.filter(election=election).count()
        if voted != len(sealed) + already:
            raise BallotBoxError(
                f"the ballot box of {election.name} holds {len(sealed) + already} ballots but the "
                f"roll marks {voted} members as voted; the database has been altered outside the "
                "application"
            )
        if not sealed:
            return 0
        missing = missing_keys(election)
        if missing:
            raise BallotBoxError(
                f"{len(missing)} key(s) that sealed ballots of {election.name} are not configured "
                f"(key id {', '.join(missing)}): put the secret key the ballot was open under back "
                "into SECRET_KEY or SECRET_KEY_FALLBACKS, then start the count again"
            )
        ring = _ring()
        opened = [open_box(election.pk, key_id, bytes(box), ring=ring) for key_id, box in sealed]
        trackers = sorted(box.tracker for box in opened)
        if len(set(trackers)) != len(trackers):
            raise BallotBoxError(
                f"two sealed ballots of {election.name} hold the same tracker: a box has been "
                "copied outside the application"
            )
        # Random version-4 ids, and each table written in its own sorted order: the ballots'
        # order is that of their random ids, the trackers' that of the trackers themselves.
        ballots = sorted(((uuid.uuid4(), box) for box in opened), key=lambda pair: pair[0])
        _insert(
            Ballot,
            ("id", "election", "channel"),
            ((bid, election.pk, box.channel) for bid, box in ballots),
        )
        _insert(
            Vote,
            ("ballot", "contest", "ranking"),
            (
                (bid, contest, box.rankings[contest])
                for bid, box in ballots
                for contest in sorted(box.rankings)
            ),
        )
        _insert(Tracker, ("code", "election"), ((code, election.pk) for code in trackers))
        SealedBallot.objects.filter(election=election).delete()
    return len(opened)
