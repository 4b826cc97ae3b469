"""Score sheets' states, what a save of one came to, and the cells of the progress matrix."""

import enum


class SheetStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"


class SheetSave(enum.StrEnum):
    """What a save of a score sheet did; the value also names its audit action (`score_sheet.<value>`)."""

    UNCHANGED = "unchanged"
    SAVED = "saved"  # a draft
    SUBMITTED = "submitted"
    REVISED = "revised"  # a submitted sheet changed


class Cell(enum.StrEnum):
    """Where one juror stands on one entry, as the progress matrix and the assignments page show it."""

    NOT_ASSIGNED = "not_assigned"
    EXCLUDED = "excluded"  # a conflict of interest: the juror may not score the entry
    NOT_STARTED = "not_started"
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RECUSED = "recused"
