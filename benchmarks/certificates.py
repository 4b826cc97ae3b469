"""Certificates: one WeasyPrint document per certificate against the batch renderer, in the same run.

Run from the repository root:  python benchmarks/certificates.py [--count 100] [--fonttools-subsetting]

- one by one: pdf.render_reference() for each certificate, the whole page laid out, painted and written
  (fonts subset) by WeasyPrint as its own document;
- batch: pdf.render_certificates() for all of them, starting cold: the fixed layers of the batch (one
  per language here) are laid out by WeasyPrint inside the timed run, and no shaped text is cached.

Both load fonts and libraries once in a warm-up first. --fonttools-subsetting hides libharfbuzz-subset
from WeasyPrint, which then subsets fonts with fontTools, as on a machine without that library. The script
checks that every certificate of the batch is one page holding the same characters as its one-by-one twin;
tests/certificates/test_stamp.py checks that they look the same.
"""

import argparse
import dataclasses
import sys
import time
import warnings
from collections import Counter
from datetime import UTC, date, datetime
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _hide_harfbuzz_subset() -> None:
    """Make WeasyPrint's loading of libharfbuzz-subset fail, before WeasyPrint is imported."""
    import cffi

    dlopen = cffi.FFI.dlopen

    def without_subset(self, name, *args, **kwargs):
        if "subset" in str(name):
            raise OSError(f"{name} hidden by --fonttools-subsetting")
        return dlopen(self, name, *args, **kwargs)

    cffi.FFI.dlopen = without_subset


if "--fonttools-subsetting" in sys.argv:
    _hide_harfbuzz_subset()
# Without libharfbuzz-subset WeasyPrint warns at import, then subsets fonts with fontTools; said below.
warnings.filterwarnings("ignore", "HarfBuzz-Subset will be required", DeprecationWarning)

from pypdf import PdfReader  # noqa: E402
from weasyprint.text import ffi  # noqa: E402

from app.certificates import overlay, pdf, stamp  # noqa: E402
from app.certificates.content import CertificateContent  # noqa: E402
from app.certificates.pdf import render_certificates, render_reference  # noqa: E402

NAMES = ("Obrnice", "Ηράκλειο", "Şişli", "Jyväskylä", "Surčin", "Београд")
LANGUAGES = ("en", "fr", "both")


def contents(count: int) -> list[CertificateContent]:
    base = CertificateContent(
        kind="award",
        language="en",
        prize_name="Dosta!-Congress Prize for Municipalities",
        edition_name="4th Dosta!-Congress Prize for Municipalities",
        edition_year=2013,
        place=1,
        joint=False,
        special_mention=False,
        organisation_name="Obrnice",
        organisation_kind="municipality",
        country_name="Czech Republic",
        country_name_fr="République tchèque",
        project_title="Community life in Obrnice – an integrated approach",
        reference="DOSTA-2013-001",
        ceremony_date=date(2013, 10, 30),
        ceremony_place="Strasbourg",
        signatories=(("Demo President", "President of the Congress"), ("Demo Chair", "Chair of the Jury")),
        verification_code="code",
        verification_url="https://prizejury.example.org/verify/code",
        issued_at=datetime(2013, 10, 30, 12, 0, tzinfo=UTC),
    )
    result = []
    for number in range(count):
        name = NAMES[number % len(NAMES)] if number < len(NAMES) else f"Demo Municipality {number + 1}"
        code = f"demo{number:05d}benchmark"
        result.append(
            dataclasses.replace(
                base,
                kind="award" if number < 3 else "participation",
                place=number + 1 if number < 3 else None,
                language=LANGUAGES[number % len(LANGUAGES)],
                organisation_name=name,
                project_title=f"{base.project_title}, part {number + 1}",
                reference=f"DOSTA-2013-{number + 1:03d}",
                verification_code=code,
                verification_url=f"https://prizejury.example.org/verify/{code}",
            )
        )
    return result


def characters(pdf_bytes: bytes) -> Counter:
    reader = PdfReader(BytesIO(pdf_bytes))
    if len(reader.pages) != 1:
        sys.exit("a certificate is not one page")
    return Counter("".join(reader.pages[0].extract_text().split()))


def forget_batch_state() -> None:
    """Start the batch cold: no fixed layer laid out, no text shaped."""
    pdf._fixed_layers.clear()
    setter = overlay.setter()
    setter.glyphs.cache_clear()
    setter.lines.cache_clear()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100, help="certificates to render (default 100)")
    parser.add_argument(
        "--fonttools-subsetting", action="store_true", help="hide libharfbuzz-subset from WeasyPrint"
    )
    arguments = parser.parse_args()
    batch = contents(arguments.count)

    # Warm-up: imports, Fontconfig and Pango caches, the three fonts loaded by HarfBuzz.
    render_reference(batch[0])
    render_certificates(batch[:1])
    forget_batch_state()

    started = time.perf_counter()
    one_by_one = [render_reference(content) for content in batch]
    single_seconds = time.perf_counter() - started

    started = time.perf_counter()
    batched = render_certificates(batch)
    batch_seconds = time.perf_counter() - started

    for content, single, fast in zip(batch, one_by_one, batched, strict=True):
        if characters(single) != characters(fast):
            sys.exit(f"certificate {content.reference} does not say what its one-by-one twin says")

    subsetting = "HarfBuzz" if ffi.harfbuzz_subset is not None else "fontTools (no libharfbuzz-subset)"
    layers = len({stamp.fixed_key(content) for content in batch})
    single_ms = single_seconds * 1000 / len(batch)
    batch_ms = batch_seconds * 1000 / len(batch)
    print(f"certificates: {len(batch)}, {layers} fixed layers; WeasyPrint subsets fonts with {subsetting}")
    print(f"one by one: {single_ms:.1f} ms/certificate ({single_seconds:.2f} s, {_size(one_by_one)})")
    print(f"batch:      {batch_ms:.1f} ms/certificate ({batch_seconds:.2f} s, {_size(batched)})")
    print(f"speedup: {single_ms / batch_ms:.1f}x")


def _size(pdfs: list[bytes]) -> str:
    return f"{sum(map(len, pdfs)) // len(pdfs) / 1000:.0f} KB a file"


if __name__ == "__main__":
    main()
