"""Certificates: one WeasyPrint document per certificate against one document for the whole batch.

Run from the repository root:  python benchmarks/certificates.py [--count 100] [--workers N] [--breakdown]

The batch uses render_certificates' default: every CPU for batches of pdf.PARALLEL_MIN or more, the worker
processes' start-up included in its time.
"""

import argparse
import dataclasses
import os
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.certificates import pdf  # noqa: E402
from app.certificates.pdf import CertificateContent, render_certificate, render_certificates  # noqa: E402

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
                reference=f"DOSTA-2013-{number + 1:03d}",
                verification_code=code,
                verification_url=f"https://prizejury.example.org/verify/{code}",
            )
        )
    return result


def per_certificate_ms(seconds: float, count: int) -> float:
    return seconds * 1000 / count


def breakdown(batch: list[CertificateContent]) -> None:
    """Where a batch spends its time, phase by phase (uses the renderer's internals)."""
    started = time.perf_counter()
    pdf.certificate_html(batch)
    html_done = time.perf_counter()
    document = pdf._render(batch)
    layout_done = time.perf_counter()
    for page, content in zip(document.pages, batch, strict=True):
        pdf._write(document, page, content)
    write_done = time.perf_counter()
    for phase, seconds in (
        ("html + QR codes (Jinja, segno)", html_done - started),
        ("html again + parse, style, layout", layout_done - html_done),
        ("paint + write one PDF per page", write_done - layout_done),
    ):
        print(f"  {phase:36s} {per_certificate_ms(seconds, len(batch)):6.1f} ms/certificate")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100, help="certificates to render (default 100)")
    parser.add_argument(
        "--workers", type=int, default=None, help="processes for the batch (default: render_certificates')"
    )
    parser.add_argument("--breakdown", action="store_true", help="also time the phases of a batch")
    arguments = parser.parse_args()
    batch = contents(arguments.count)

    render_certificate(batch[0])  # warm-up: imports, Fontconfig and Pango caches

    started = time.perf_counter()
    one_by_one = [render_certificate(content) for content in batch]
    single_seconds = time.perf_counter() - started

    started = time.perf_counter()
    batched = render_certificates(batch, workers=arguments.workers)
    batch_seconds = time.perf_counter() - started

    if batched != one_by_one:
        sys.exit("the batch did not produce the same PDFs as one-by-one rendering")
    single_ms = per_certificate_ms(single_seconds, len(batch))
    batch_ms = per_certificate_ms(batch_seconds, len(batch))
    average_size = sum(map(len, batched)) // len(batch)
    print(f"certificates: {len(batch)} (same bytes either way, {average_size} bytes each)")
    print(f"one by one: {single_ms:.1f} ms/certificate ({single_seconds:.2f} s)")
    workers = arguments.workers or ((os.cpu_count() or 1) if len(batch) >= pdf.PARALLEL_MIN else 1)
    print(f"batch:      {batch_ms:.1f} ms/certificate ({batch_seconds:.2f} s, up to {workers} processes)")
    if arguments.breakdown:
        print("batch breakdown:")
        breakdown(batch)
    print(f"speedup: {single_ms / batch_ms:.1f}x")


if __name__ == "__main__":
    main()
