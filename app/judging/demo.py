"""Demo jury work (filled in by the jury issue)."""


def load_jury_demo() -> str:
    return ""
