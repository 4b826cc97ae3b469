"""Score sheets' states and what a save of one came to."""

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
