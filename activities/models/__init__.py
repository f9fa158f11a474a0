from .activity import (
    CENTRAL_GROUP_KINDS,
    KIND_GROUP,
    KIND_LABEL_ZH,
    LECTURE_KINDS,
    PRACTICE_KINDS,
    Activity,
    Attachment,
    Attendance,
    Group,
    Kind,
    StudyMaterial,
    kinds_of_group,
)
from .imports import ImportBatch
from .records import Norm, PlanItem, Publicity, StudyPlan, StudyPoints
from .rectification import RectificationItem, RectificationProgress, overdue_q
from .stats import ActivityMonthStat, PersonYearStat

__all__ = [
    "overdue_q",
    "CENTRAL_GROUP_KINDS",
    "KIND_GROUP",
    "KIND_LABEL_ZH",
    "LECTURE_KINDS",
    "PRACTICE_KINDS",
    "Activity",
    "ActivityMonthStat",
    "Attachment",
    "Attendance",
    "Group",
    "ImportBatch",
    "Kind",
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
