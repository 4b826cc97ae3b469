"""Reading and changing stored files in tests, through the storage (the local folders or S3 alike)."""

from app.storage import area


def read(area_name: str, key: str) -> bytes:
    with area(area_name).open(key) as stored:
        return stored.read()


def write(area_name: str, key: str, data: bytes) -> None:
    area(area_name).put(key, data)


def delete(area_name: str, key: str) -> None:
    area(area_name).delete(key)


def keys(area_name: str) -> list[str]:
    """Every key stored in the area, in order."""
    return sorted(entry.key for entry in area(area_name).entries())
