"""Workspaces built on a purpose and objectives, their members, key results and check-ins."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from lumoflow.core import limits


class Visibility(models.TextChoices):
    PUBLIC = "public", "Public: any employee can read and join"
    PRIVATE = "private", "Private: listed, content for members only"
    SECRET = "secret", "Secret: invisible to non-members"


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    FACILITATOR = "facilitator", "Facilitator"
    MEMBER = "member", "Member"


class MembershipStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    REQUESTED = "requested", "Requested to join"


class Workspace(models.Model):
    """A place for work towards a stated business objective."""

    name = models.CharField(max_length=limits.WORKSPACE_NAME)
    purpose = models.TextField(max_length=limits.WORKSPACE_PURPOSE)
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    archived_at = models.DateTimeField(null=True, blank=True)
    #: The purpose is a placeholder (an imported workspace whose source stated none): its owners
    #: are asked to state one. Cleared when the purpose is changed.
    purpose_pending = models.BooleanField(default=False)
    # Engagement targets (owners may change them).
    target_weekly_active_share = models.DecimalField(
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.400"),
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    target_first_reply_hours = models.DecimalField(
        max_digits=6, decimal_places=1, default=Decimal("8.0"), validators=[MinValueValidator(0)]
    )
    target_on_topic_share = models.DecimalField(
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.700"),
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    #: Owners may keep the workspace out of the organisation's portfolio figures: it is listed
    #: there as excluded, with none of its figures.
    excluded_from_org_analytics = models.BooleanField(default=False)
    # Announcements reach every member's home feed: owners and facilitators post them, and
    # every member too when the owners open them to all.
    announcements_by_members = models.BooleanField(default=False)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(purpose=""), name="workspace_has_purpose"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class Membership(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(
        max_length=10, choices=MembershipStatus.choices, default=MembershipStatus.ACTIVE
    )
    joined_at = models.DateTimeField()

    class Meta:
        ordering = ["workspace_id", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "user"], name="membership_unique"),
        ]
        indexes = [models.Index(fields=["user", "status"])]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.workspace_id} ({self.role}, {self.status})"


class Objective(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="objectives")
    title = models.CharField(max_length=limits.OBJECTIVE_TITLE)
    description = models.TextField(blank=True, max_length=limits.OBJECTIVE_DESCRIPTION)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    start = models.DateField()
    end = models.DateField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="objective_period"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Direction(models.TextChoices):
    INCREASE = "increase", "Increase"
    DECREASE = "decrease", "Decrease"


class KeyResult(models.Model):
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="key_results")
    metric_name = models.CharField(max_length=limits.KEY_RESULT_METRIC)
    unit = models.CharField(max_length=limits.KEY_RESULT_UNIT, blank=True)
    baseline = models.FloatField()
    target = models.FloatField()
    direction = models.CharField(
        max_length=10, choices=Direction.choices, default=Direction.INCREASE
    )
    due = models.DateField()
    # A member who answers for it and may check in on it (besides the objective's owner,
    # facilitators and owners); none when not named.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(target=models.F("baseline")), name="key_result_target_differs"
            ),
        ]

    def __str__(self) -> str:
        return self.metric_name


class CheckIn(models.Model):
    key_result = models.ForeignKey(KeyResult, on_delete=models.CASCADE, related_name="check_ins")
    value = models.FloatField()
    confidence = models.PositiveSmallIntegerField(
        validators=[MaxValueValidator(limits.CONFIDENCE_MAX)]
    )
    note = models.TextField(blank=True, max_length=limits.CHECK_IN_NOTE)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    date = models.DateField(default=date.today)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(confidence__lte=limits.CONFIDENCE_MAX),
                name="check_in_confidence",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.value} on {self.date}"
