"""The roll, credentials, ballots, trackers, postal batches and the ballot emails' log.

Secrecy is a property of the schema. While the ballot is open, a cast ballot exists only as a
`SealedBallot`: the election and an encrypted box the database cannot read (see `box.py`). When the
count starts the boxes are opened and written out as `Ballot`s in random order. A `Ballot` has a
random identifier, the election, the channel and nothing else: no member, no credential, no time. Its `Vote`s (one per contest) are keyed by the
ballot and the contest. The roll (`Voter`) says whether and how (online or by post) a member voted,
never when and never what. A receipt `Tracker` is stored apart from the ballot it was issued with, so
even the database cannot turn a tracker a voter shows someone into their choices.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from hustings.elections.models import Contest, Election
from hustings.members.models import Member, Region


class Channel(models.TextChoices):
    """How a ballot was cast."""

    ONLINE = "online", "online"
    POSTAL = "postal", "by post"


class Voter(models.Model):
    """A member on an election's roll: made when credentials are issued, marked once they vote."""

    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="voters")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="voter_records")
    # The member's region when the roll was made: it fixes their regional contests and turnout.
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    # Blank until they vote. Deliberately no time: see the module docstring.
    voted = models.CharField(max_length=10, choices=Channel.choices, blank=True)
    added_at = models.DateTimeField()

    class Meta:
        ordering = ("election", "member")
        constraints = (
            models.UniqueConstraint(fields=["election", "member"], name="one_voter_per_member"),
            models.CheckConstraint(
                condition=Q(voted="") | Q(voted__in=Channel.values), name="voter_channel_known"
            ),
        )
        indexes = (models.Index(fields=["election", "region", "voted"], name="voter_turnout"),)

    def __str__(self) -> str:
        return f"{self.member} in {self.election}"

    @property
    def has_voted(self) -> bool:
        """Return whether the member has cast their ballot, by either channel."""
        return bool(self.voted)


class Delivery(models.TextChoices):
    """How a credential reached (or is to reach) its member."""

    EMAIL = "email", "by email"
    POST = "post", "by post"


class Credential(models.Model):
    """A voting code issued to a voter, stored only as a keyed digest."""

    voter = models.ForeignKey(Voter, on_delete=models.PROTECT, related_name="credentials")
    code_digest = models.CharField(max_length=64, unique=True)
    delivery = models.CharField(max_length=10, choices=Delivery.choices)
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reissue = models.BooleanField(default=False)
    revoked_at = models.DateTimeField(null=True, blank=True)
    used = models.BooleanField(default=False)
    # The receipt tracker shown when this credential was voted with, so that a double-clicked
    # cast and a later visit show the voter their receipt again. A tracker says nothing about the
    # choices: it is never stored with, or in the order of, the ballot it was handed out with.
    tracker = models.CharField(max_length=16, null=True, blank=True, unique=True)

    class Meta:
        ordering = ("voter", "issued_at")
        constraints = (
            models.UniqueConstraint(
                fields=["voter"],
                condition=Q(revoked_at__isnull=True),
                name="one_live_credential_per_voter",
            ),
            models.CheckConstraint(
                condition=Q(used=False) | Q(revoked_at__isnull=True),
                name="used_credential_never_revoked",
            ),
        )

    def __str__(self) -> str:
        if self.used:
            state = "used"
        elif self.revoked_at:
            state = "revoked"
        else:
            state = "live"
        return f"credential #{self.pk} {self.get_delivery_display()} ({state})"


class SealedBallot(models.Model):
    """A ballot cast while the ballot is open, sealed in a box only the application can open.

    `box` is the ballot's channel, votes and tracker encrypted and authenticated (AES-256-GCM)
    under a key derived from the application's secret key, which the database never holds;
    `key_id` names that key. Boxes are opened, and the rows deleted, when the count starts.
    """

    id = models.BigAutoField(primary_key=True)
    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="sealed_ballots")
    key_id = models.CharField(max_length=16)
    box = models.BinaryField()

    class Meta:
        verbose_name = "sealed ballot"

    def __str__(self) -> str:
        return f"sealed ballot in election {self.election_id}"


class Ballot(models.Model):
    """One cast ballot: which election, by which channel, and nothing that identifies the voter."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="ballots")
    channel = models.CharField(max_length=10, choices=Channel.choices)

    class Meta:
        # Canonical order is by the random id, which says nothing about casting order.
        ordering = ("id",)
        constraints = (
            models.CheckConstraint(
                condition=Q(channel__in=Channel.values), name="ballot_channel_known"
            ),
        )

    def __str__(self) -> str:
        return f"ballot {self.id}"


class Vote(models.Model):
    """A ballot's choices in one contest: candidacy ids, first preference first; blank if none.

    For a block vote the ids are in ballot-paper order (the order carries no meaning there), so that
    identical ballots are identical strings and the count can group them in SQL.
    """

    pk = models.CompositePrimaryKey("ballot_id", "contest_id")
    ballot = models.ForeignKey(Ballot, on_delete=models.PROTECT, related_name="votes")
    contest = models.ForeignKey(Contest, on_delete=models.PROTECT, related_name="votes")
    ranking = models.CharField(max_length=2000, blank=True)

    class Meta:
        indexes = (models.Index(fields=["contest", "ranking"], name="vote_by_contest_ranking"),)

    def __str__(self) -> str:
        return f"vote in {self.contest_id}: {self.ranking or 'blank'}"

    def candidacy_ids(self) -> list[int]:
        """Return the chosen candidacy ids, first preference first."""
        return decode_ranking(self.ranking)


def encode_ranking(candidacy_ids: list[int]) -> str:
    """Return the stored form of a ranking: ids joined by commas, the empty string if blank."""
    return ",".join(str(candidacy_id) for candidacy_id in candidacy_ids)


def decode_ranking(text: str) -> list[int]:
    """Return the candidacy ids of a stored ranking."""
    return [int(part) for part in text.split(",")] if text else []


class Tracker(models.Model):
    """A receipt handed to a voter as they cast; stored apart from their ballot, never linked."""

    code = models.CharField(max_length=16, primary_key=True)
    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="trackers")

    class Meta:
        ordering = ("election", "code")

    def __str__(self) -> str:
        return self.code


class PostalBatch(models.Model):
    """One imported file of returned paper ballots, with every rejected row and why.

    The report names rows by their line number and reason only: the codes are not kept.
    """

    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="postal_batches")
    filename = models.CharField(max_length=300)
    sha256 = models.CharField(max_length=64)
    imported_at = models.DateTimeField()
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rows = models.PositiveIntegerField()
    accepted = models.PositiveIntegerField()
    # [{"line": 7, "reason": "already-voted", "message": "..."}], in file order.
    rejections = models.JSONField(default=list)

    class Meta:
        verbose_name = "postal batch"
        verbose_name_plural = "postal batches"
        ordering = ("election", "-imported_at")

    def __str__(self) -> str:
        return f"{self.filename}: {self.accepted} of {self.rows} accepted"


class EmailKind(models.TextChoices):
    """Why a ballot email was sent."""

    BALLOT = "ballot", "ballot"
    REISSUE = "reissue", "reissued code"
    REMINDER = "reminder", "reminder"
    RECEIPT = "receipt", "receipt"


class EmailStatus(models.TextChoices):
    """What became of a ballot email."""

    SENT = "sent", "sent"
    FAILED = "failed", "failed"


class BallotEmail(models.Model):
    """One attempt to send a ballot email: to whom, what kind, and how it went; never the code."""

    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="ballot_emails")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="ballot_emails")
    kind = models.CharField(max_length=10, choices=EmailKind.choices)
    status = models.CharField(max_length=10, choices=EmailStatus.choices)
    attempt = models.PositiveSmallIntegerField(default=1)
    error = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ("election", "-at")
        indexes = (models.Index(fields=["election", "kind", "status"], name="ballot_email_status"),)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} email to {self.member_id}: {self.status}"
