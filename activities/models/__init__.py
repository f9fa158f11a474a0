from ..kinds import Group, Kind
from .activity import RECORD_FIELDS, Activity, Attachment, Attendance, StudyMaterial
from .imports import ImportBatch
from .records import Norm, PlanItem, Publicity, StudyPlan, StudyPoints
from .rectification import RectificationItem, RectificationProgress, overdue_q
from .recycle_bin import DeletedActivity, DeletedRectificationItem
from .stats import ActivityMonthStat, PersonYearStat

__all__ = [
    "overdue_q",
    "RECORD_FIELDS",
    "Activity",
    "ActivityMonthStat",
    "Attachment",
    "Attendance",
    "DeletedActivity",
    "DeletedRectificationItem",
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
]
