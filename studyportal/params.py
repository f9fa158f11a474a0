"""Numbers that arrive from outside (query strings, URL paths, forms, ledger cells): one parser, one
set of bounds (issue 13).

The portal's years run from YEAR_FIRST to next year: a ledger from before 2000 is not kept in it, and
a plan or a date may be written at most for next year (a plan is drawn up in December). Dates follow
the same window. Every query parameter, path part, form field, model field and importer cell that
holds a year or a date is checked against these bounds, so a number that would overflow a date or a
database column is a 400 (query string), a 404 (path) or a message on the form, never a server error.
"""

import datetime

from django.core.exceptions import BadRequest, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

YEAR_FIRST = 2000
# The largest id any table's key holds (a 64-bit column): larger ones cannot name a row.
MAX_ID = 2**63 - 1


def year_last() -> int:
    return timezone.localdate().year + 1


def date_window() -> tuple[datetime.date, datetime.date]:
    return datetime.date(YEAR_FIRST, 1, 1), datetime.date(year_last(), 12, 31)


def validate_year(value) -> None:
    if value is not None and not YEAR_FIRST <= value <= year_last():
        raise ValidationError(
            gettext_lazy("Give a year from %(first)s to %(last)s."),
            code="year_range",
            params={"first": YEAR_FIRST, "last": year_last()},
        )


def validate_date(value) -> None:
    first, last = date_window()
    if value is not None and not first <= value <= last:
        raise ValidationError(
            gettext_lazy("Give a date from %(first)s to %(last)s."),
            code="date_range",
            params={"first": first.isoformat(), "last": last.isoformat()},
        )


def parse_int(raw, *, low: int, high: int) -> int | None:
    """`raw` as a whole number from `low` to `high`; None when it is not one (or out of bounds)."""
    text = ("" if raw is None else str(raw)).strip()
    # ASCII digits only (int() would take "２０２２" and "1_000"), and no more than the bound can have.
    if not text or len(text) > 20 or not (text.isascii() and text.lstrip("-").isdigit()):
        return None
    value = int(text)
    return value if low <= value <= high else None


def int_param(request, name: str, *, low: int, high: int, default: int | None = None) -> int | None:
    """The query parameter `name` as a number from `low` to `high`, `default` when it is absent or
    empty; anything else is a bad request (400) saying what was expected."""
    raw = request.GET.get(name, "")
    if not raw.strip():
        return default
    value = parse_int(raw, low=low, high=high)
    if value is None:
        raise BadRequest(
            _("「%(name)s」 must be a whole number from %(low)s to %(high)s.")
            % {"name": name, "low": low, "high": high}
        )
    return value


def year_param(request, default: int | None = None, name: str = "year") -> int | None:
    return int_param(request, name, low=YEAR_FIRST, high=year_last(), default=default)


def month_param(request, default: int | None = None) -> int | None:
    return int_param(request, "month", low=1, high=12, default=default)


def id_param(request, name: str) -> int | None:
    return int_param(request, name, low=1, high=MAX_ID)


class YearConverter:
    """`<year:year>` in a URL: a year of the window, else the URL matches nothing (404)."""

    regex = "[0-9]{4}"

    def to_python(self, value: str) -> int:
        year = int(value)
        if not YEAR_FIRST <= year <= year_last():
            raise ValueError(year)
        return year

    def to_url(self, value) -> str:
        return str(value)


def bound_year_field(field) -> None:
    """A form field for a year: the window checked on the server and offered to the browser."""
    field.validators.append(validate_year)
    field.widget.attrs.update({"min": YEAR_FIRST, "max": year_last()})


# An activity lasts more than nothing and at most a day; a longer study is recorded day by day.
MAX_HOURS = 24


def validate_hours(value) -> None:
    if value is not None and not 0 < value <= MAX_HOURS:
        raise ValidationError(
            gettext_lazy("Give the hours as more than 0 and at most %(max)s."),
            code="hours_range",
            params={"max": MAX_HOURS},
        )


def is_web_link(text: str) -> bool:
    """An http(s) address with a host: never javascript:, data: or a scheme-relative //host."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit((text or "").strip())
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def validate_web_link(value) -> None:
    if value and not is_web_link(value):
        raise ValidationError(
            gettext_lazy("Give a web address starting with http:// or https://."), code="web_link"
        )
