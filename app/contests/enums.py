"""An edition's phases and the ways its scores may be aggregated."""

import enum


class Phase(enum.StrEnum):
    UPCOMING = "upcoming"
    OPEN = "open"  # applications accepted
    JUDGING = "judging"
    DELIBERATION = "deliberation"  # judging closed, results not yet published
    PUBLISHED = "published"


class Aggregation(enum.StrEnum):
    MEAN = "mean"
    MEDIAN = "median"
    TRIMMED_MEAN = "trimmed_mean"
    ZSCORE = "zscore"
