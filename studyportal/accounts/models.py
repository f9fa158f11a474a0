from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Organization(models.Model):
    """A node of the tree committee → agency → branch.

    `path` holds the ids from the root down ("/1/4/9/"), so a subtree is one indexed
    prefix match instead of a recursive walk.
    """

    class Kind(models.TextChoices):
        COMMITTEE = "committee", _("Organs committee")
        AGENCY = "agency", _("Agency")
        BRANCH = "branch", _("Party branch")

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(_("tree path"), max_length=255, editable=False, db_index=True, default="")
    low_points_threshold = models.PositiveIntegerField(
        _("low study points threshold (per year)"),
        null=True,
        blank=True,
        help_text=_("Members whose yearly study points are below this are counted as low."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["path"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # The path is derived from the parent's; a new row needs its id first.
        if self.pk is None:
            super().save(*args, **kwargs)
            kwargs.pop("force_insert", None)
            kwargs["force_update"] = True
        self.path = f"{self.parent.path if self.parent else '/'}{self.pk}/"
        super().save(*args, **kwargs)

    @property
    def agency(self):
        """The agency this organization belongs to (itself for an agency), or None for a committee."""
        if self.kind == self.Kind.AGENCY:
            return self
        if self.kind == self.Kind.BRANCH and self.parent_id:
            return self.parent
        return None

    def subtree(self):
        return Organization.objects.filter(path__startswith=self.path)


def done_by(verbose_name) -> models.ForeignKey:
    """Who did something to a row (created, closed, finalized it): optional, and the person's account
    cannot be deleted from under it (PROTECT); the user gets no reverse accessor."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )


class User(AbstractUser):
    """A person with a login. People who leave are deactivated, never deleted."""

    real_name = models.CharField(_("real name"), max_length=50)
    position = models.CharField(_("position"), max_length=100, blank=True)
    agency = models.ForeignKey(
        Organization,
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
        limit_choices_to={"kind__in": ["agency", "committee"]},
    )
    branch = models.ForeignKey(
        Organization,
        verbose_name=_("Party branch"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="branch_members",
        limit_choices_to={"kind": "branch"},
    )
    # The party group (党小组) within the branch, by name; a branch none of whose members has one has
    # no party groups, and so no party-group meeting to hold (activities/selectors/norms.py).
    party_group = models.CharField(_("Party group"), max_length=50, blank=True)
    is_party_member = models.BooleanField(_("Party member"), default=False)
    is_leader = models.BooleanField(_("in the leadership"), default=False)
    must_change_password = models.BooleanField(_("must change password at next login"), default=False)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["agency_id", "-is_leader", "id"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "real_name"], name="unique_real_name_per_agency"),
        ]

    def __str__(self):
        return self.real_name or self.username


class Role(models.TextChoices):
    STAFF = "staff", _("Staff")
    RECORDER = "recorder", _("Recorder")
    SECRETARY = "secretary", _("Secretary")
    ADMIN = "admin", _("Administrator")


class RoleAssignment(models.Model):
    """A role held on an organization; it covers the organization's whole subtree."""

    user = models.ForeignKey(User, verbose_name=_("person"), on_delete=models.CASCADE, related_name="roles")
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="role_assignments",
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "organization", "role"], name="unique_role_assignment"),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.organization}"
