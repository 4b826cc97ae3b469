"""The demo: past editions with their laureates, the 2013 edition in full, and an edition open now."""

DEMO_PASSWORD = "dosta-demo-2013"  # noqa: S105  (published in the README)


def load_demo() -> str:
    return "nothing yet"
