"""The registry of activity kinds: one row per kind says everything the portal knows of it.

Every consumer (the model's choices, the form, the importer, the completeness rules, the norms, the
summary, the dashboard, the Excel ledger) reads `KINDS` through the functions below when it runs, not
into tables frozen at import, so a new kind is its row in `KINDS` and nothing else (the fields that
hold a kind take their choices from `choices`, a callable, so not even a migration), and a test can add
one for a while with `registered`.
"""

import functools
from contextlib import contextmanager
from typing import NamedTuple

from django.db import models
from django.utils.translation import gettext_lazy as _

from studyportal.choices import clear_labels


class Group(models.TextChoices):
    """The three "classrooms" summaries speak of (docs/design.md §3)."""

    LEADING = "leading", _("Leading study")  # 领学
    EXPERIENTIAL = "experiential", _("Experiential study")  # 助学
    PRACTICE = "practice", _("Practice")  # 检学


# The fields of an activity only some kinds have (`KindSpec.fields`), in the order the form and the
# Excel ledger show them.
OPTIONAL_FIELDS = ("oath_renewed", "households_reached", "enterprises_reached")


class KindSpec(NamedTuple):
    code: str  # as stored
    label: str  # English msgid, translated (the interface's name of the kind)
    group: Group
    zh: str  # the Chinese label offices write in their ledgers (docs/design.md §3)
    aliases: tuple[str, ...] = ()  # other names ledgers use for it, accepted by the importer
    lecture: bool = False  # a lecture: "given by a leader" is asked, and such lectures are counted apart
    meeting: bool = False  # "held" (召开) rather than "carried out" (开展)
    central_group: bool = False  # the Party group's central-group study, counted together
    fields: tuple[str, ...] = ()  # which of OPTIONAL_FIELDS its form and its ledger sheet have
    # What its record must show besides attendance and minutes (activities.completeness.RULES):
    # "speaker" (also required by the form and the importer), "site" (the location is the site
    # visited, required as well), "photo", "film" (its materials are the films watched), "sign_in",
    # "households", "enterprises".
    requires: frozenset[str] = frozenset()
    party_groups_only: bool = False  # held only in branches that have party groups (its norms too)
    summary_count: str = ""  # its name in the count sentence of its group in the summary ("": none)
    # The summary names its records one by one (speakers, sites, titles), in the sentence that
    # reports/summary.py writes for it.
    summary_named: bool = False
    figure: str = ""  # the id of a dashboard figure of its own, with its count ("": none)


SIGN_IN = frozenset({"sign_in"})  # a meeting: who came shows on a sign-in sheet or QR sign-ins
LECTURE = SIGN_IN | {"speaker"}
PRACTICE_FIELDS = ("households_reached", "enterprises_reached")

KINDS = [
    KindSpec(
        "central_group_study",
        _("Central group study"),
        Group.LEADING,
        "中心组集中学习",
        ("中心组学习", "理论学习中心组集中学习"),
        meeting=True,
        central_group=True,
        requires=SIGN_IN,
    ),
    KindSpec(
        "central_group_seminar",
        _("Central group seminar"),
        Group.LEADING,
        "中心组交流研讨",
        ("中心组研讨",),
        meeting=True,
        central_group=True,
        requires=SIGN_IN,
    ),
    KindSpec(
        "weekly_study",
        _("Weekly theory study"),
        Group.LEADING,
        "每周理论学习",
        meeting=True,
        requires=SIGN_IN,
    ),
    KindSpec(
        "branch_assembly",
        _("Branch Party member assembly"),
        Group.LEADING,
        "支部党员大会",
        ("党员大会",),
        meeting=True,
        requires=SIGN_IN,
        summary_count="支部党员大会",
    ),
    KindSpec(
        "branch_committee",
        _("Branch committee meeting"),
        Group.LEADING,
        "支部委员会会议",
        ("支部委员会",),
        meeting=True,
        requires=SIGN_IN,
        summary_count="支部委员会会议",
    ),
    KindSpec(
        "party_group_meeting",
        _("Party group meeting"),
        Group.LEADING,
        "党小组会",
        meeting=True,
        requires=SIGN_IN,
        party_groups_only=True,
        summary_count="党小组会",
    ),
    KindSpec(
        "party_lecture",
        _("Party lecture"),
        Group.LEADING,
        "党课",
        ("专题党课", "党课/专题党课"),
        lecture=True,
        requires=LECTURE,
        summary_named=True,
    ),
    KindSpec(
        "guest_lecture",
        _("Guest lecture"),
        Group.LEADING,
        "专题辅导讲座",
        ("辅导讲座", "专题讲座"),
        lecture=True,
        requires=LECTURE,
        summary_named=True,
    ),
    KindSpec(
        "theme_party_day",
        _("Theme Party day"),
        Group.EXPERIENTIAL,
        "主题党日",
        requires=SIGN_IN,
        summary_count="主题党日",
    ),
    KindSpec(
        "field_visit",
        _("Field visit"),
        Group.EXPERIENTIAL,
        "现场教学",
        fields=("oath_renewed",),
        requires=frozenset({"site", "photo"}),
        summary_count="现场教学",
        summary_named=True,
        figure="field-visits",
    ),
    KindSpec(
        "film_viewing",
        _("Film viewing"),
        Group.EXPERIENTIAL,
        "观影",
        ("观看教育片", "观影/观看教育片", "观看电教片"),
        requires=frozenset({"film"}),
        summary_count="观影及观看教育片",
        summary_named=True,
    ),
    KindSpec(
        "volunteer_service",
        _("Volunteer service"),
        Group.PRACTICE,
        "志愿服务",
        ("志愿者服务",),
        fields=PRACTICE_FIELDS,
        summary_named=True,
    ),
    KindSpec(
        "household_visit",
        _("Household visit"),
        Group.PRACTICE,
        "入户走访",
        fields=PRACTICE_FIELDS,
        requires=frozenset({"households"}),
        summary_named=True,
    ),
    KindSpec(
        "enterprise_service",
        _("Enterprise service"),
        Group.PRACTICE,
        "服务企业",
        ("企业座谈", "服务企业/企业座谈", "企业家座谈会"),
        fields=PRACTICE_FIELDS,
        requires=frozenset({"enterprises"}),
        summary_named=True,
    ),
]

# Names for the kinds the registry starts with, for code that speaks of one of them (Kind.FIELD_VISIT):
# the demo, the sentences of the summary written for one kind, the tests. A kind added later needs none.
Kind = models.TextChoices("Kind", [(spec.code.upper(), (spec.code, spec.label)) for spec in KINDS])


@functools.cache
def _index() -> dict[str, KindSpec]:
    return {spec.code: spec for spec in KINDS}


def spec(code: str) -> KindSpec:
    """The row of a kind; KeyError for a code that is not (or no longer) one."""
    return _index()[code]


def get(code: str) -> KindSpec | None:
    return _index().get(code)


def group_of(code: str) -> Group | None:
    """The group of a kind; None for a code that is not (or no longer) one."""
    found = get(code)
    return found.group if found else None


def choices() -> list[tuple[str, str]]:
    """(code, label) of every kind: the choices of the fields that hold a kind, and of the pickers."""
    return [(spec.code, spec.label) for spec in KINDS]


def kinds_where(**facts) -> list[str]:
    """The codes of the kinds whose row has each of `facts`, in the registry's order:
    `kinds_where(group=Group.PRACTICE)`, `kinds_where(lecture=True)`."""
    return [spec.code for spec in KINDS if all(getattr(spec, name) == value for name, value in facts.items())]


def requiring(name: str) -> list[str]:
    """The codes of the kinds whose record must show `name` (one of `KindSpec.requires`)."""
    return [spec.code for spec in KINDS if name in spec.requires]


def by_group() -> list[tuple[Group, list[KindSpec]]]:
    """Each group with its kinds, as the kind picker and the ledger's sheets show them."""
    return [(group, [spec for spec in KINDS if spec.group == group]) for group in Group]


@functools.cache
def names() -> dict[str, str]:
    """Every name a ledger may give a kind (its code, its Chinese label, its aliases) → its code
    (cached: the importer looks up every row's)."""
    return {
        **{spec.code: spec.code for spec in KINDS},
        **{spec.zh: spec.code for spec in KINDS},
        **{alias: spec.code for spec in KINDS for alias in spec.aliases},
    }


@contextmanager
def registered(*specs: KindSpec):
    """The kinds of `specs` added to the registry while the block runs (for tests)."""
    KINDS.extend(specs)
    _forget()
    try:
        yield
    finally:
        for added in specs:
            KINDS.remove(added)
        _forget()


def _forget() -> None:
    _index.cache_clear()
    names.cache_clear()
    clear_labels()
