"""The organiser's pages for one edition, in the order of the work, grouped as their tabs show them.

Each endpoint takes `edition_id`. The edition's overview lists them all; each page shows the tabs of its
group (macro `edition_nav` in templates/macros.html). Endpoints are named, not imported, so any domain's
page can be listed here.
"""

from flask_babel import lazy_gettext as _l

EDITION_SECTIONS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        _l("Set-up"),
        (
            ("contests.manage_edit", _l("Edition settings, dates and criteria")),
            ("certificates.design", _l("Certificate design")),
            ("submissions.organiser_list", _l("Applications")),
        ),
    ),
    (
        _l("Judging"),
        (
            ("judging.screening", _l("Eligibility screening")),
            ("judging.jury", _l("Jury")),
            ("judging.assignments", _l("Assignments and conflicts of interest")),
            ("judging.progress", _l("Judging progress")),
        ),
    ),
    (
        _l("Results"),
        (
            ("ranking.ranking", _l("Ranking")),
            ("ranking.awards", _l("Awards and citations")),
            ("results.publication", _l("Publication")),
            ("certificates.edition_list", _l("Certificates")),
        ),
    ),
    (
        _l("Emails"),
        (("emails.edition_log", _l("Emails sent")),),
    ),
)


def section_group(endpoint: str) -> tuple[str, tuple[tuple[str, str], ...]] | None:
    """The group of tabs that holds `endpoint`."""
    for group in EDITION_SECTIONS:
        if any(candidate == endpoint for candidate, _label in group[1]):
            return group
    return None


def all_sections() -> list[tuple[str, str]]:
    return [section for _title, sections in EDITION_SECTIONS for section in sections]
