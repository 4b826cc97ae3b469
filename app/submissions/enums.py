"""Where an application stands, and the fields of action an applicant may tick."""

import enum


class ApplicationStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"
    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"


FIELDS_OF_ACTION = (
    "education",
    "housing",
    "employment",
    "health_social",
    "security",
    "culture_leisure",
    "participation",
)
