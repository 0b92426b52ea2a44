"""People, their profiles, the department tree and personal access tokens."""

from __future__ import annotations

import zoneinfo

from django.contrib.auth.models import AbstractUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower

from lumoflow.core import limits


def person_name(username: str, display_name: str, first_name: str, last_name: str) -> str:
    """How a person is named on every page: display name, else full name, else username."""
    return display_name or f"{first_name} {last_name}".strip() or username


def validate_time_zone(value: str) -> None:
    """Accept IANA time zone names only (e.g. Europe/Oslo)."""
    if value and value not in zoneinfo.available_timezones():
        raise ValidationError(f"'{value}' is not a known time zone (use a name like Europe/Oslo).")


class Department(models.Model):
    """A node of the organisation tree: Company > Division > Department > Team."""

    name = models.CharField(max_length=limits.DEPARTMENT_NAME)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(
        max_length=limits.DEPARTMENT_PATH,
        unique=True,
        help_text="Slash-separated, e.g. Sales/Nordics",
    )

    class Meta:
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"], name="department_unique_name_in_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.path

    @property
    def depth(self) -> int:
        return self.path.count("/") + 1


class User(AbstractUser):
    """A person. Signs in with username or e-mail."""

    display_name = models.CharField(max_length=limits.PERSON_NAME, blank=True)
    title = models.CharField(max_length=limits.PERSON_NAME, blank=True)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="people"
    )
    manager = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    location = models.CharField(max_length=limits.PERSON_NAME, blank=True)
    time_zone = models.CharField(max_length=64, blank=True, validators=[validate_time_zone])
    is_bot = models.BooleanField(default=False)
    # A photo, square, at core.images.PHOTO_SIZES (64 and 256 px); none: initials (people.faces).
    photo = models.FileField(upload_to="photos/%Y/", blank=True)
    photo_small = models.FileField(upload_to="photos/%Y/", blank=True)

    class Meta:
        ordering = ["username"]
        constraints = [
            # One person per username and per e-mail whatever their case, held by the database:
            # the actions' checks alone let two people created at once both pass.
            models.UniqueConstraint(Lower("username"), name="user_unique_username_ci"),
            models.UniqueConstraint(
                Lower("email"), condition=~models.Q(email=""), name="user_unique_email_ci"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return person_name(self.username, self.display_name, self.first_name, self.last_name)


Viewer = User | AnonymousUser
"""Who reads: a signed-in person or an anonymous visitor. Queries answer both (an anonymous
viewer sees what is public, where anything is); actions take a `User`, who is signed in."""


class ApiToken(models.Model):
    """A personal access token; only its SHA-256 digest is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=limits.TOKEN_NAME, blank=True)
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user_id})"


class SignIn(models.Model):
    """One attempt to sign in, kept as the sign-in audit and read back to throttle sign-in.

    `account` is the throttling key: the username (lower case) of the person the login reached,
    whatever spelling or e-mail was typed, or the typed login itself (lower case) when it reached
    nobody. Rows are written by `actions.record_sign_in` only and never changed."""

    class Outcome(models.TextChoices):
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        PAUSED = "paused", "Refused: sign-in paused"

    at = models.DateTimeField(db_index=True)
    login = models.CharField(max_length=limits.LOGIN, help_text="As typed")
    account = models.CharField(max_length=limits.LOGIN)
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="sign_ins"
    )
    address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=limits.USER_AGENT, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)

    class Meta:
        verbose_name = "sign-in"
        verbose_name_plural = "sign-ins"
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["account", "at"], name="signin_account_at"),
            models.Index(fields=["address", "at"], name="signin_address_at"),
        ]

    def __str__(self) -> str:
        return f"{self.login} {self.outcome} {self.at:%Y-%m-%d %H:%M:%S}"


class Capability(models.TextChoices):
    """What administrators grant people beyond their workspace roles (administrators hold
    both)."""

    EXECUTIVE = "executive", "Executive (portfolio, network map, value)"
    PEOPLE_ANALYTICS = "people-analytics", "People analytics (individual-level figures, audited)"


class Grant(models.Model):
    """A capability an administrator granted a person; revoking it deletes the row (the
    activity log keeps both changes). Written by `actions.grant_capability` and
    `actions.revoke_capability` only."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="grants")
    capability = models.CharField(max_length=20, choices=Capability.choices)
    granted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField()

    class Meta:
        verbose_name = "capability"
        verbose_name_plural = "capabilities"
        ordering = ["user__username", "capability"]
        constraints = [
            models.UniqueConstraint(fields=["user", "capability"], name="grant_once_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.user.username}: {self.capability}"


class AuditEntry(models.Model):
    """One view of individual-level figures: who looked, at what, when, in which scope. Written
    by `actions.record_individual_view` only and never changed."""

    at = models.DateTimeField(db_index=True)
    viewer = models.ForeignKey(User, on_delete=models.PROTECT, related_name="audit_entries")
    what = models.CharField(max_length=100, help_text="The figures shown, e.g. brokers")
    scope = models.CharField(max_length=200, help_text="e.g. workspace 12 (Launch)")
    via = models.CharField(max_length=20, help_text="page or api")

    class Meta:
        verbose_name = "audit entry"
        verbose_name_plural = "audit log (individual-level figures)"
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.viewer_id} {self.what} {self.scope}"
