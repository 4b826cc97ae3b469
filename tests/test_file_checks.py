"""app/file_checks.py: ZIP containers and images refused before they cost their reader too much."""

import io

import pytest
from PIL import Image

from app.file_checks import ArchiveLimits, ContentRefused, check_archive, check_image_pixels
from tests.submissions.files import DOCX, ODT, bomb_docx, png_header, with_declared_size, zip_of

LIMITS = ArchiveLimits(unpacked_bytes=100 * 1024 * 1024, ratio=100, entries=1000)


@pytest.fixture(scope="module")
def bomb(tmp_path_factory):
    """A 200 KB DOCX whose document.xml inflates to 200 MiB (made once: it takes a second)."""
    path = tmp_path_factory.mktemp("bomb") / "bomb.docx"
    bomb_docx(path, unpacked_mib=200)
    return path


def _docx(document: bytes, *extra: tuple[str, bytes]) -> bytes:
    return zip_of(
        [("[Content_Types].xml", b"<?xml version='1.0'?><Types/>"), ("word/document.xml", document), *extra]
    )


def test_check_archive_accepts_real_documents(app):
    realistic = _docx(
        b"<w:document>" + b"".join(b"<w:p>Paragraph %d</w:p>" % i for i in range(2000)) + b"</w:document>"
    )

    for data in (DOCX, ODT, realistic):
        check_archive(io.BytesIO(data), "letter.docx", LIMITS)


def test_check_archive_refuses_a_bomb_by_its_unpacked_size_without_inflating_it(app, bomb):
    assert bomb.stat().st_size < 300 * 1024

    with pytest.raises(ContentRefused) as refusal:
        check_archive(bomb, "bomb.docx", LIMITS)

    assert (
        str(refusal.value)
        == "“bomb.docx” cannot be accepted: it unpacks to more than 100 MB. Please send a smaller document."
    )


def test_check_archive_refuses_a_high_ratio_under_the_size_limit(app):
    data = _docx(b"\x20" * (10 * 1024 * 1024))  # 10 MiB in about 10 KB

    with pytest.raises(ContentRefused) as refusal:
        check_archive(io.BytesIO(data), "dense.docx", LIMITS)

    assert "“dense.docx” cannot be accepted: it is compressed " in str(refusal.value)
    assert "more than a document ever is (at most 100)" in str(refusal.value)


def test_check_archive_refuses_too_many_entries(app):
    data = _docx(b"<w:document/>", *((f"word/media/image{i}.png", b"x") for i in range(1000)))

    with pytest.raises(ContentRefused) as refusal:
        check_archive(io.BytesIO(data), "many.docx", LIMITS)

    assert str(refusal.value) == (
        "“many.docx” cannot be accepted: it is made of 1002 parts, more than the 1000 a document may have."
    )


def test_check_archive_refuses_an_entry_larger_than_it_declares(app):
    honest = _docx(b"<w:document>" + b"\x20" * (1024 * 1024) + b"</w:document>")
    lying = with_declared_size(honest, "word/document.xml", 1000)  # a ratio of 1 declared, 100 real

    with pytest.raises(ContentRefused) as refusal:
        check_archive(io.BytesIO(lying), "liar.docx", LIMITS)

    assert "“liar.docx” cannot be accepted: it is damaged or its contents do not match its index." in str(
        refusal.value
    )


def test_check_archive_refuses_an_entry_smaller_than_it_declares(app):
    lying = with_declared_size(_docx(b"<w:document/>"), "word/document.xml", 5000)

    with pytest.raises(ContentRefused, match="is damaged"):
        check_archive(io.BytesIO(lying), "short.docx", LIMITS)


def test_check_archive_reads_its_limits_from_the_settings(app):
    app.config["MAX_ARCHIVE_ENTRIES"] = 1

    with pytest.raises(ContentRefused, match="made of 2 parts, more than the 1"):
        check_archive(io.BytesIO(DOCX), "letter.docx")


def _png(size) -> bytes:
    buffer = io.BytesIO()
    Image.new("1", size).save(buffer, "PNG")
    return buffer.getvalue()


def test_check_image_pixels_refuses_more_than_the_setting(app):
    app.config["MAX_IMAGE_MEGAPIXELS"] = 1

    check_image_pixels(io.BytesIO(_png((1000, 1000))), "fine.png")
    with pytest.raises(ContentRefused) as refusal:
        check_image_pixels(io.BytesIO(_png((1001, 1000))), "big.png")

    assert str(refusal.value) == (
        "“big.png” cannot be accepted: at 1001 × 1000 pixels it has more than 1 million pixels. "
        "Please send a smaller image."
    )


def test_check_image_pixels_refuses_a_bomb_past_pillows_own_limit(app):
    app.config["MAX_IMAGE_MEGAPIXELS"] = 10_000

    with pytest.raises(ContentRefused, match="more than 178 million pixels"):
        check_image_pixels(io.BytesIO(png_header(100_000, 100_000)), "bomb.png")


def test_check_image_pixels_leaves_the_stream_where_it_was(app):
    stream = io.BytesIO(_png((20, 20)))

    check_image_pixels(stream, "small.png")

    assert stream.tell() == 0
