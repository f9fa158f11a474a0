from .activity import (
    CENTRAL_GROUP_KINDS,
    KIND_ALIASES,
    KIND_GROUP,
    KIND_LABEL_ZH,
    KINDS,
    LECTURE_KINDS,
    MEETING_KINDS,
    PRACTICE_KINDS,
    Activity,
    Attachment,
    Attendance,
    Group,
    Kind,
    KindSpec,
    StudyMaterial,
    kinds_of_group,
)
from .imports import ImportBatch
from .records import Norm, PlanItem, Publicity, StudyPlan, StudyPoints
from .rectification import RectificationItem, RectificationProgress
from .recycle_bin import DeletedActivity, DeletedRectificationItem
from .stats import ActivityMonthStat, PersonYearStat

__all__ = [
    "CENTRAL_GROUP_KINDS",
    "KINDS",
    "KIND_ALIASES",
    "KIND_GROUP",
    "KIND_LABEL_ZH",
    "LECTURE_KINDS",
    "MEETING_KINDS",
    "PRACTICE_KINDS",
    "Activity",
    "ActivityMonthStat",
    "Attachment",
    "Attendance",
    "DeletedActivity",
    "DeletedRectificationItem",
    "Group",
    "ImportBatch",
    "Kind",
    "KindSpec",
    "Norm",
    "PersonYearStat",
    "PlanItem",
    "Publicity",
    "RectificationItem",
    "RectificationProgress",
    "StudyMaterial",
    "StudyPlan",
    "StudyPoints",
    "kinds_of_group",
]
