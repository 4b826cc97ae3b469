"""Template filters: dates in the prize's time zone, countries, amounts, scores, ordinals in the page's
language."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from flask import Flask, current_app
from flask_babel import (
    format_currency,
    format_date,
    format_decimal,
    format_timedelta,
    get_locale,
    gettext,
    ngettext,
)
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from app.countries import country_name
from app.db import utcnow
from app.i18n import current_language
from app.languages import name_language
from app.ordinals import ordinal


def display_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["DISPLAY_TIMEZONE"])


def local_to_utc(value: datetime | None) -> datetime | None:
    """A naive wall-clock time in Strasbourg, as a UTC instant."""
    if value is None:
        return None
    return value.replace(tzinfo=display_zone()).astimezone(UTC)


def utc_to_local(value: datetime | None) -> datetime | None:
    """A UTC instant as a naive Strasbourg wall-clock time, for a datetime-local input."""
    if value is None:
        return None
    return value.astimezone(display_zone()).replace(tzinfo=None)


def local_time_exists(value: datetime) -> bool:
    """False for wall-clock times skipped when the clocks go forward (02:30 on the last Sunday of March)."""
    return utc_to_local(local_to_utc(value)) == value


def local_datetime(value: datetime | None) -> str:
    """'30 June 2015, 23:59 CEST': an instant in Strasbourg time."""
    if value is None:
        return ""
    local = value.astimezone(display_zone())
    return f"{format_date(local.date(), 'd MMMM y')}, {local:%H:%M} {local.tzname()}"


def local_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(display_zone()).date()
    return format_date(value, "d MMMM y")


def time_left(deadline: datetime | None, now: datetime | None = None) -> str:
    """'closes in 12 days', 'closes in 5 hours', 'closed'."""
    if deadline is None:
        return ""
    seconds = (deadline - (now or utcnow())).total_seconds()
    if seconds <= 0:
        return gettext("closed")
    days = int(seconds // 86400)
    if days >= 1:
        return ngettext("closes in %(num)d day", "closes in %(num)d days", days)
    hours = int(seconds // 3600)
    if hours >= 1:
        return ngettext("closes in %(num)d hour", "closes in %(num)d hours", hours)
    return ngettext("closes in %(num)d minute", "closes in %(num)d minutes", max(1, int(seconds // 60)))


STATUS_LABELS = {
    "draft": _l("Draft"),
    "submitted": _l("Submitted"),
    "withdrawn": _l("Withdrawn"),
    "eligible": _l("Eligible"),
    "ineligible": _l("Ineligible"),
}


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


def page_ordinal(number: int) -> str:
    """'1st', '2nd' on an English page; '1er', '2e' on a French one."""
    return ordinal(number, current_language())


def page_country(code: str | None) -> str:
    """The country's name in the page's language."""
    return country_name(code, current_language())


def euro(value: int | None) -> str:
    """A budget in whole euros as the page's language writes it: '€50,000', '50 000 €'."""
    if value is None:
        return ""
    pattern = get_locale().currency_formats["standard"].pattern
    return format_currency(value, "EUR", format=pattern.replace(".00", ""), currency_digits=False)


def format_score(value: Decimal | float | int | None) -> str:
    """'7', '7.5', '' for no score: scores without trailing zeros, as a form field or a file carries them."""
    if value is None:
        return ""
    number = Decimal(str(value)).normalize()
    return f"{number:f}"


def local_score(value: Decimal | float | int | None) -> str:
    """A score for reading: '7.5' on an English page, '7,5' on a French one."""
    if value is None:
        return ""
    number = Decimal(str(value)).normalize()
    try:
        return format_decimal(number, format="#,##0.###")
    except InvalidOperation:  # beyond what Babel rounds (1e400 typed into a score field): as typed
        return format_score(number)


def local_decimal(value: Decimal | float | None, places: int = 2) -> str:
    """A figure with a fixed number of decimals in the page's language ('8.60', '8,60')."""
    if value is None:
        return ""
    return format_decimal(value, format="#,##0." + "0" * places if places else "#,##0")


def in_script(name: str | None, country: str | None) -> Markup | str:
    """The name, in a <span lang> when it is written in its country's other script (app/languages.py)."""
    if not name:
        return ""
    language = name_language(name, country)
    if language is None:
        return name
    return Markup('<span lang="{}">{}</span>').format(language, name)


def duration(value: timedelta) -> str:
    """ "30 minutes", "12 hours" in the page's language (the largest unit of which there is at least one)."""
    return format_timedelta(value, threshold=1)


def register(app: Flask) -> None:
    app.jinja_env.filters.update(
        local_datetime=local_datetime,
        local_date=local_date,
        time_left=time_left,
        duration=duration,
        country=page_country,
        euro=euro,
        score=local_score,
        decimal=local_decimal,
        in_script=in_script,
    )
    app.jinja_env.globals.update(now=utcnow, status_label=status_label)
