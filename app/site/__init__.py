"""What belongs to the whole site rather than to one edition: the accessibility statement and the
settings organisers keep for it (who answers accessibility feedback, when the statement was last reviewed)."""
