"""The summary's stored draft: edit, regenerate, finalize, reopen; and the document every export writes."""

import re
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from activities.materials import chinese_number as cn
from studyportal.accounts.models import Organization
from studyportal.audit.models import AuditEntry
from studyportal.audit.services import audit_record_bulk

from .document import Document, Paragraph, SourceTable
from .models import Summary, SummarySection
from .selectors.summary import summary_sources
from .summary import ACHIEVEMENT_KEYS, ACHIEVEMENTS_HEADING, SECTIONS, build_summary, summary_title

_NUMBERED = re.compile(r"^(\d+[.．、]|（\d+）)")
_SUBHEADING = re.compile(r"^（[一二三四五六七八九十]+）")


class SummaryLocked(Exception):
    """The summary is final: only an administrator's reopening makes it editable again."""


@dataclass
class SectionView:
    """A section as the page shows it: the current text and, for a draft, what the records say now."""

    key: str
    heading: str
    text: str
    edited: bool = False
    stored: bool = False
    # The text generated from the records now, when it differs from the text generated before.
    fresh_text: str = ""
    previous_generated: str = ""

    @property
    def changed(self) -> bool:
        return bool(self.fresh_text)


def summary_get(*, agency: Organization, year: int) -> Summary | None:
    return Summary.objects.filter(agency=agency, year=year).prefetch_related("sections").first()


def summary_sections(*, agency: Organization, year: int, summary: Summary | None = None) -> list[SectionView]:
    """The sections to show: stored ones with a changed-since flag, or freshly generated ones."""
    stored = {section.key: section for section in summary.sections.all()} if summary else {}
    if summary is not None and summary.is_final:
        return [
            SectionView(key=key, heading=stored[key].heading, text=stored[key].text, stored=True)
            for key in SECTIONS
            if key in stored
        ]
    views = []
    for fresh in build_summary(agency=agency, year=year):
        section = stored.get(fresh.key)
        if section is None:
            views.append(SectionView(key=fresh.key, heading=fresh.heading, text=fresh.text))
            continue
        changed = section.generated_text != fresh.text
        views.append(
            SectionView(
                key=fresh.key,
                heading=section.heading,
                text=section.text,
                edited=section.edited,
                stored=True,
                fresh_text=fresh.text if changed else "",
                previous_generated=section.generated_text if changed else "",
            )
        )
    return views


def summary_document(*, agency: Organization, year: int, with_sources: bool = False) -> Document:
    """What the exports write: the final snapshot when final, else the current draft; with the
    appendix of sources on request (each figure with the dates and titles of its records)."""
    summary = summary_get(agency=agency, year=year)
    sections = summary_sections(agency=agency, year=year, summary=summary)
    final = summary is not None and summary.is_final
    title = summary.final_title if final and summary.final_title else summary_title(agency=agency, year=year)
    date_line = ""
    if final and summary.finalized_at:
        finalized = timezone.localdate(summary.finalized_at)
        date_line = f"{finalized.year}年{finalized.month}月{finalized.day}日"
    document = Document(title=title, signature=agency.name, date_line=date_line)
    # A part of 一、 with nothing to tell (no practice work that year) is left out, and the parts that
    # remain are counted 一是, 二是 … in order.
    told = 0
    for section in sections:
        if section.key in ACHIEVEMENT_KEYS and section.text.strip():
            told += 1
        heading = (
            _ORDINAL.sub(f"{cn(told)}是", section.heading)
            if section.key in ACHIEVEMENT_KEYS
            else section.heading
        )
        document.paragraphs.extend(_paragraphs(section.key, heading, section.text))
    if with_sources:
        # The agency's Chinese document, whatever language the reader's interface uses.
        with translation.override("zh-hans"):
            document.sources_title = gettext("Sources of the figures")
            document.sources_labels = (gettext("Attachment"), gettext("Date"), gettext("Topic"))
            document.sources = [
                SourceTable(
                    heading=gettext("%(figure)s: %(count)d records")
                    % {"figure": source.label, "count": source.count},
                    rows=[(f"{date:%Y-%m-%d}", title) for date, title in source.records],
                )
                for source in summary_sources(agency=agency, year=year)
            ]
    return document


_ORDINAL = re.compile(r"^[一二三四五六七八九十]+是")


def _paragraphs(key: str, heading: str, text: str) -> list[Paragraph]:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    paragraphs = []
    if key == ACHIEVEMENT_KEYS[0]:
        paragraphs.append(Paragraph(ACHIEVEMENTS_HEADING, "heading1"))
    if key in ACHIEVEMENT_KEYS:
        if not lines:
            return paragraphs
        # The model summary (docs/design.md §6) runs "一是…。" into its paragraph rather than setting
        # it apart.
        if heading:
            lines = [f"{heading}。{lines[0]}", *lines[1:]]
    elif heading:
        paragraphs.append(Paragraph(heading, "heading1"))
    for line in lines:
        if _SUBHEADING.match(line):
            style = "heading2"
        elif _NUMBERED.match(line):
            style = "heading3"
        else:
            style = "body"
        paragraphs.append(Paragraph(line, style))
    return paragraphs


def _summary_for_writing(*, agency: Organization, year: int, by) -> Summary:
    """The stored draft, created from a fresh generation on first write; refuses a final summary."""
    # get_or_create settles two first edits arriving at once; the lock then serialises the writers.
    Summary.objects.get_or_create(agency=agency, year=year)
    summary = Summary.objects.select_for_update().get(agency=agency, year=year)
    if summary.is_final:
        raise SummaryLocked
    existing = set(summary.sections.values_list("key", flat=True))
    missing = [section for section in build_summary(agency=agency, year=year) if section.key not in existing]
    created = SummarySection.objects.bulk_create(
        SummarySection(
            summary=summary,
            key=section.key,
            heading=section.heading,
            text=section.text,
            generated_text=section.text,
            updated_by=by,
        )
        for section in missing
    )
    audit_record_bulk(model=SummarySection, objects=created, action=AuditEntry.Action.CREATE, by=by)
    return summary


@transaction.atomic
def summary_section_edit(*, agency: Organization, year: int, key: str, text: str, by) -> SummarySection:
    summary = _summary_for_writing(agency=agency, year=year, by=by)
    section = summary.sections.get(key=key)
    section.text = text.strip()
    section.edited = section.text != section.generated_text
    section.updated_by = by
    section.save()
    return section


@transaction.atomic
def summary_section_regenerate(*, agency: Organization, year: int, key: str, by) -> SummarySection:
    """Replaces the section (and any edits to it) with text generated from the records now."""
    summary = _summary_for_writing(agency=agency, year=year, by=by)
    fresh = next(section for section in build_summary(agency=agency, year=year) if section.key == key)
    section = summary.sections.get(key=key)
    section.heading = fresh.heading or SECTIONS[key].heading
    section.text = section.generated_text = fresh.text
    section.edited = False
    section.updated_by = by
    section.save()
    return section


@transaction.atomic
def summary_finalize(*, agency: Organization, year: int, by) -> Summary:
    """Locks the summary as it reads now; later record changes no longer touch it."""
    summary = _summary_for_writing(agency=agency, year=year, by=by)
    summary.status = Summary.Status.FINAL
    summary.final_title = summary_title(agency=agency, year=year)
    summary.finalized_at = timezone.now()
    summary.finalized_by = by
    summary.save()
    return summary


@transaction.atomic
def summary_reopen(*, agency: Organization, year: int, by) -> Summary:
    summary = Summary.objects.select_for_update().get(agency=agency, year=year)
    summary.status = Summary.Status.DRAFT
    summary.finalized_at = None
    summary.finalized_by = None
    summary.save()
    return summary
