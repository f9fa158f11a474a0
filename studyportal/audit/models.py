from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class AuditEntry(models.Model):
    """One change to a portal record: who, when, what, and the field values before and after.

    Entries form a hash chain: each `hash` is sha256(previous hash + canonical JSON of the entry),
    so editing, inserting or removing a row afterwards is found by `manage.py audit_verify`. Each
    `mac` is an HMAC of the hash under a key the database does not hold (keys.audit_key), so that
    whoever rewrites the table and re-hashes the chain cannot make it verify; and the head is copied
    outside the database (checkpoints.py), so that cutting entries off the end is found too.

    Rows written in bulk as parts of another record (an import's attendance and material links) are
    recorded as tables, many rows to an entry (services.audit_record_rows); an import ends with one
    entry (action "import") naming the file and listing the ids it created, which verify checks
    against the entries before it (services.audit_batch).
    """

    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        UPDATE = "update", _("Changed")
        DELETE = "delete", _("Deleted")
        LINK = "link", _("Linked")
        UNLINK = "unlink", _("Unlinked")
        # Closes the entries an import wrote, accounting for every record they hold (services.audit_batch).
        IMPORT = "import", _("Imported")

    # Assigned by the chain (1, 2, 3 …) so that a missing entry is a visible gap.
    seq = models.BigIntegerField(_("number"), primary_key=True)
    at = models.DateTimeField(_("time"))
    # Plain values, not a foreign key: the entry must read the same forever, whatever happens to the user.
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_name = models.CharField(_("by"), max_length=150, blank=True)
    model = models.CharField(_("record type"), max_length=100)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(_("record"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    mac = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-seq"]
        indexes = [models.Index(fields=["model", "object_id"], name="audit_object")]
        # A constraint, not unique=True on the field: that adds a second index for LIKE on PostgreSQL,
        # which nothing asks of a hash, and an import writes 100,000 random keys into each.
        constraints = [models.UniqueConstraint(fields=["hash"], name="audit_hash_unique")]

    def __str__(self):
        return f"#{self.seq} {self.get_action_display()} {self.object_repr}"


class ChainHead(models.Model):
    """The single row every append locks, so that concurrent writers extend the chain one at a time."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self):
        return f"#{self.seq} {self.hash[:12]}"
