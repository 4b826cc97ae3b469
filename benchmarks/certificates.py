"""Certificates: what one certificate costs, each its own WeasyPrint document written as PDF/UA-1.

Run from the repository root:
    python benchmarks/certificates.py [--count 100] [--repeat 10] [--fonttools-subsetting]

- one certificate: the median of --repeat renderings of the same certificate (pdf.render_certificate);
- a mix: --count certificates (English, French and bilingual, award and participation, Latin, Greek and
  Cyrillic names, one with a logo and signatures), one after the other, as an edition's issue makes them.

Both after a warm-up that loads fonts and libraries. --fonttools-subsetting hides libharfbuzz-subset from
WeasyPrint, which then subsets fonts with fontTools, as on a machine without that library. The script checks
that each certificate is one page and that rendering one twice gives the same bytes.
"""

import argparse
import dataclasses
import io
import statistics
import sys
import time
import warnings
from datetime import UTC, date, datetime
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

from PIL import Image  # noqa: E402
from pypdf import PdfReader  # noqa: E402
from weasyprint.text import ffi  # noqa: E402

from app.certificates.content import CertificateContent, Picture  # noqa: E402
from app.certificates.pdf import render_certificate  # noqa: E402

NAMES = ("Obrnice", "Ηράκλειο", "Şişli", "Jyväskylä", "Surčin", "Београд")
LANGUAGES = ("en", "fr", "both")


def _picture(size: tuple[int, int], kind: str) -> Picture:
    buffer = io.BytesIO()
    Image.new("RGB", size, (18, 48, 95)).save(buffer, kind)
    return Picture.of(buffer.getvalue(), f"image/{kind.lower()}")


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
    designed = {
        "logo": _picture((600, 240), "PNG"),
        "signatures": (_picture((500, 180), "JPEG"), None),
        "accent_colour": "#7a1f3d",
    }
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
                **(designed if number == 1 else {}),
            )
        )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100, help="certificates in the mix (default 100)")
    parser.add_argument("--repeat", type=int, default=10, help="renderings of one certificate (default 10)")
    parser.add_argument(
        "--fonttools-subsetting", action="store_true", help="hide libharfbuzz-subset from WeasyPrint"
    )
    arguments = parser.parse_args()
    mix = contents(arguments.count)

    render_certificate(mix[0])  # warm-up: imports, Fontconfig and Pango caches, the fonts

    times, files = [], set()
    for _ in range(arguments.repeat):
        started = time.perf_counter()
        files.add(render_certificate(mix[0]))
        times.append(time.perf_counter() - started)

    started = time.perf_counter()
    pdfs = [render_certificate(content) for content in mix]
    mix_seconds = time.perf_counter() - started
    if any(len(PdfReader(io.BytesIO(data)).pages) != 1 for data in pdfs):
        sys.exit("a certificate is not one page")

    subsetting = "HarfBuzz" if ffi.harfbuzz_subset is not None else "fontTools (no libharfbuzz-subset)"
    print(f"WeasyPrint subsets fonts with {subsetting}")
    print(
        f"one certificate: median {statistics.median(times) * 1000:.1f} ms of {len(times)} "
        f"(min {min(times) * 1000:.1f}, max {max(times) * 1000:.1f}); "
        f"{'the same bytes each time' if len(files) == 1 else f'{len(files)} different files'}"
    )
    print(
        f"a mix of {len(mix)}: {mix_seconds * 1000 / len(mix):.1f} ms/certificate ({mix_seconds:.2f} s, "
        f"{sum(map(len, pdfs)) // len(pdfs) / 1000:.0f} KB a file)"
    )


if __name__ == "__main__":
    main()
