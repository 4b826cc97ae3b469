"""The kinds of distinction a jury awards."""

import enum


class AwardKind(enum.StrEnum):
    PRIZE = "prize"
    SPECIAL_MENTION = "special_mention"
