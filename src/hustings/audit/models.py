"""The audit log: append-only events, each sealed with a SHA-256 hash that covers its predecessor.

An event's hash is computed over a canonical JSON of its content together with the previous event's
hash, so altering, removing or reordering any past event breaks every hash after it, and
`hustings.audit.chain.verify_chain` finds the first break. Appending is serialised on the single
`ChainHead` row, so two writers can never both extend the chain from the same event.
"""

from __future__ import annotations

from typing import Any, ClassVar, NoReturn

from django.conf import settings
from django.db import models

GENESIS = "0" * 64


class AppendOnlyError(Exception):
    """Audit events are never changed or deleted once written."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    """Audit events: readable and filterable, never updated or deleted in bulk."""

    def update(self, **kwargs: Any) -> NoReturn:
        """Refuse: audit events are append-only."""
        raise AppendOnlyError("audit events cannot be changed")

    def delete(self) -> NoReturn:
        """Refuse: audit events are append-only."""
        raise AppendOnlyError("audit events cannot be deleted")

    def for_object(self, obj: models.Model) -> AuditEventQuerySet:
        """Return the events about one object."""
        return self.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))


class AuditEvent(models.Model):
    """One thing that happened: who did it, what, to which object, when, and what changed."""

    seq = models.PositiveBigIntegerField("sequence", unique=True, editable=False)
    at = models.DateTimeField(editable=False)
    tag = models.CharField(max_length=64, editable=False)
    # The account, kept while it exists; the label is what the hash covers and never changes.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_events",
        editable=False,
    )
    actor_label = models.CharField("who", max_length=300, editable=False)
    election = models.ForeignKey(
        "elections.Election",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_events",
        editable=False,
    )
    object_type = models.CharField(max_length=100, blank=True, editable=False)
    object_id = models.CharField(max_length=64, blank=True, editable=False)
    object_repr = models.CharField("object", max_length=300, blank=True, editable=False)
    data = models.JSONField(default=dict, editable=False)
    prev_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, unique=True, editable=False)

    objects: ClassVar[AuditEventQuerySet] = AuditEventQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ("-seq",)
        indexes = (
            models.Index(fields=["tag", "seq"], name="audit_by_tag"),
            models.Index(fields=["object_type", "object_id"], name="audit_by_object"),
            models.Index(fields=["election", "seq"], name="audit_by_election"),
        )
        # The admin shows the log, but nobody may add, change or delete through it.
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"#{self.seq} {self.tag} by {self.actor_label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Insert once; refuse any later save."""
        if not self._state.adding:
            raise AppendOnlyError(f"audit event #{self.seq} cannot be changed")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        """Refuse: audit events are append-only."""
        raise AppendOnlyError(f"audit event #{self.seq} cannot be deleted")


class ChainHead(models.Model):
    """The single row naming the newest event; appending locks it so the chain never forks."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS)

    class Meta:
        verbose_name = "audit chain head"
        default_permissions = ()

    def __str__(self) -> str:
        return f"audit chain at #{self.seq}"
