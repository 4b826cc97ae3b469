"""The certificate PDF renderer: wording, layout, fonts, PDF/UA-1 tagging, pictures, determinism and what
it refuses to load."""

import dataclasses
import hashlib
import http.server
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import segno
from pypdf import PdfReader
from weasyprint import HTML

from app.certificates import pdf
from app.certificates.content import CertificateContent, Picture
from app.certificates.pdf import (
    ASSETS_DIR,
    AssetFetcher,
    AssetRefused,
    certificate_html,
    render_certificate,
    render_certificates,
    sha256_hex,
)
from tests.certificates.helpers import (
    image_bytes,
    lines_of,
    make_content,
    read,
    squeezed,
    structure_elements,
    text_of,
)

NAMES = ("Obrnice", "Ηράκλειο", "Şişli", "Jyväskylä", "Surčin", "Београд")
SHIPPED_FONTS = {"Certificate-Serif", "Certificate-Serif-Bold", "Certificate-Serif-Italic"}


def words_of(pdf_bytes: bytes) -> str:
    """The text layer read line by line, runs of spaces made single, to search for phrases.

    Only ASCII spaces and newlines are collapsed: the French narrow no-break spaces must survive.
    """
    text = " ".join(page.extract_text(extraction_mode="layout") for page in read(pdf_bytes).pages)
    return re.sub(r"[ \n]+", " ", text).strip()


def fonts_of(reader: PdfReader) -> list:
    """Every font dictionary reachable from the pages, including inside form XObjects."""
    found, seen = [], set()

    def walk(resources) -> None:
        if resources is None:
            return
        resources = resources.get_object()
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            if id(font) not in seen:
                seen.add(id(font))
                found.append(font)
        for xobject in (resources.get("/XObject") or {}).values():
            xobject = xobject.get_object()
            if xobject.get("/Subtype") == "/Form":
                walk(xobject.get("/Resources"))

    for page in reader.pages:
        walk(page.get("/Resources"))
    return found


def is_embedded(font) -> bool:
    descriptors = [font.get("/FontDescriptor")]
    descriptors += [
        descendant.get_object().get("/FontDescriptor") for descendant in font.get("/DescendantFonts", [])
    ]
    return any(
        key in descriptor.get_object()
        for descriptor in descriptors
        if descriptor is not None
        for key in ("/FontFile", "/FontFile2", "/FontFile3")
    )


def test_render_certificate_one_page_a4_landscape():
    reader = read(render_certificate(make_content()))

    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (float(box.left), float(box.bottom)) == (0, 0)
    assert float(box.width) == pytest.approx(842, abs=1)
    assert float(box.height) == pytest.approx(595, abs=1)


@pytest.mark.parametrize("name", NAMES)
def test_render_certificate_name_comes_back_exactly_from_text_layer(name):
    assert name in lines_of(render_certificate(make_content(organisation_name=name)))


def test_render_certificate_english_wording():
    text = words_of(render_certificate(make_content()))

    for line in (
        "CONGRESS OF LOCAL AND REGIONAL AUTHORITIES OF THE COUNCIL OF EUROPE",
        "Dosta!-Congress Prize for Municipalities",
        "4th Dosta!-Congress Prize for Municipalities · 2013",
        "FIRST PRIZE",
        "awarded to",
        "MUNICIPALITY · CZECH REPUBLIC",
        "for the project",
        "“Community life in Obrnice – an integrated approach”",
        "Strasbourg, 30 October 2013",
        "DOSTA-2013-001",
        "1st place",
        "Issued 30 October 2013",
        "Demo President",
        "President of the Congress",
        "Verify at",
        "Code q3Zx7mB2rT9kLp0aWc4dYh1e",
    ):
        assert line in text


def test_render_certificate_french_wording():
    content = make_content(language="fr", place=2, organisation_name="Ηράκλειο", country_name_fr="Grèce")

    text = words_of(render_certificate(content))

    for line in (
        "CONGRÈS DES POUVOIRS LOCAUX ET RÉGIONAUX DU CONSEIL DE L’EUROPE",
        "Prix Dosta!-Congrès pour les municipalités",
        "DEUXIÈME PRIX",
        "décerné à",
        "Ηράκλειο",
        "MUNICIPALITÉ · GRÈCE",
        "pour le projet",
        "«\u202fCommunity life in Obrnice – an integrated approach\u202f»",
        "Strasbourg, le 30 octobre 2013",
        "Référence",
        "2e prix",
        "Délivré le 30 octobre 2013",
        "Vérifier sur",
    ):
        assert line in text


def test_render_certificate_french_special_mention_agrees_in_gender():
    content = make_content(language="fr", place=None, special_mention=True)

    text = words_of(render_certificate(content))

    assert "MENTION SPÉCIALE décernée à Obrnice" in text


def test_render_certificate_bilingual_shows_english_and_french():
    content = make_content(language="both", joint=True, organisation_name="Surčin", country_name="Serbia")
    content = dataclasses.replace(content, country_name_fr="Serbie")

    text = words_of(render_certificate(content))

    for line in (
        "JOINT FIRST PRIZE",
        "Premier prix ex aequo",
        "awarded to · décerné à",
        "MUNICIPALITY · SERBIA · MUNICIPALITÉ · SERBIE",
        "for the project · pour le projet",
        "Strasbourg, 30 October 2013 · Strasbourg, le 30 octobre 2013",
        "joint 1st place · 1er prix ex aequo",
        "Verify at · Vérifier sur",
    ):
        assert line in text


def test_render_certificate_participation_and_special_mention_headings():
    participation = make_content(kind="participation", place=None, organisation_name="Demo Municipality 7")
    mention = make_content(place=None, special_mention=True, organisation_kind="region")

    participation_text = words_of(render_certificate(participation))
    mention_text = words_of(render_certificate(mention))

    assert "CERTIFICATE OF PARTICIPATION" in participation_text
    assert "presented to" in participation_text
    assert "for taking part with the project" in participation_text
    assert "SPECIAL MENTION" in mention_text
    assert "REGION · CZECH REPUBLIC" in mention_text


def test_render_certificate_long_title_stays_on_one_page():
    title = ("Roma and non-Roma neighbours learning, working and celebrating together " * 5)[:300]
    content = make_content(
        language="both",
        project_title=title,
        organisation_name="Demo Municipality with a very long official name " * 3,
        signatories=(
            ("Demo One", "President of the Congress"),
            ("Demo Two", "Chair of the Jury"),
            ("Demo Three", "Secretary General of the Congress"),
        ),
    )

    pdf_bytes = render_certificate(content)

    assert len(title) == 300
    assert len(read(pdf_bytes).pages) == 1
    assert f"“{title.strip()}”" in " ".join(text_of(pdf_bytes).split())


def test_render_certificate_every_font_embedded_and_shipped():
    content = make_content(language="both", organisation_name="Ηράκλειο Београд Şişli")

    fonts = fonts_of(read(render_certificate(content)))

    assert [font["/BaseFont"] for font in fonts if not is_embedded(font)] == []
    assert {str(font["/BaseFont"]).split("+", 1)[1] for font in fonts} == SHIPPED_FONTS


def test_render_certificate_metadata_describes_the_certificate():
    metadata = read(render_certificate(make_content(joint=True, organisation_name="Jyväskylä"))).metadata

    assert metadata.title == "Joint First Prize – Jyväskylä – 4th Dosta!-Congress Prize for Municipalities"
    assert metadata.author == "Congress of Local and Regional Authorities of the Council of Europe"
    assert metadata.subject == "Dosta!-Congress Prize for Municipalities · DOSTA-2013-001"
    assert metadata["/CreationDate"] == "D:20131030120000+00'00"


def test_render_certificate_same_content_same_bytes(reproducible_fonts):
    """Verification rests on the stored file's SHA-256: the same content must give the same file."""
    content = make_content(organisation_name="Şişli")

    assert render_certificate(content) == render_certificate(content)


def test_render_certificate_dates_are_the_issue_time_and_identifier_the_code():
    reader = read(render_certificate(make_content()))

    assert reader.metadata["/CreationDate"] == "D:20131030120000+00'00"
    assert reader.trailer["/ID"][0] == "q3Zx7mB2rT9kLp0aWc4dYh1e"
    assert b"xmp:CreateDate>2013-10-30T12:00:00+00:00<" in reader.trailer["/Root"]["/Metadata"].get_data()


def test_render_certificates_one_document_each_in_order():
    contents = [
        make_content(
            organisation_name=name, reference=f"DOSTA-2013-{number:03d}", verification_code=f"code{number}"
        )
        for number, name in enumerate(NAMES, start=1)
    ]

    pdfs = render_certificates(contents)

    assert len(pdfs) == len(NAMES)
    for number, (name, pdf_bytes) in enumerate(zip(NAMES, pdfs, strict=True), start=1):
        lines = lines_of(pdf_bytes)
        assert len(read(pdf_bytes).pages) == 1
        assert [other for other in NAMES if other in lines] == [name]
        assert f"DOSTA-2013-{number:03d}" in lines


def test_render_certificates_empty_list_empty_list():
    assert render_certificates([]) == []


def test_render_certificate_script_the_fonts_lack_falls_back_to_a_system_font():
    """The shipped fonts have no Armenian: Pango finds a font for it, and the name is still text."""
    pdf_bytes = render_certificate(make_content(organisation_name="Երևան"))

    assert len(read(pdf_bytes).pages) == 1
    assert "Երևան" in lines_of(pdf_bytes)


# --- PDF/UA-1: tagged, with its language, title and text alternatives ---------------------------------------


@pytest.mark.parametrize(("language", "lang"), [("en", "en"), ("fr", "fr"), ("both", "en")])
def test_render_certificate_is_a_tagged_pdf_ua_document(language, lang):
    content = make_content(language=language)

    reader = read(render_certificate(content))

    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"].value is True
    assert b'pdfuaid:part="1"' in root["/Metadata"].get_data()
    assert root["/Lang"] == lang
    assert root["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    assert reader.metadata.title == pdf.metadata(content)["title"]
    assert {"/H1", "/H2", "/P"} <= {element["/S"] for element in structure_elements(reader)}


def test_render_certificate_qr_code_has_its_text_alternative():
    content = make_content(language="fr")

    figures = [e for e in structure_elements(read(render_certificate(content))) if e["/S"] == "/Figure"]

    assert [figure["/Alt"] for figure in figures] == [f"Code QR\u00a0: {content.verification_url}"]


def test_render_certificate_text_names_the_awarding_body_and_the_verification_url():
    content = make_content()

    text = squeezed(text_of(render_certificate(content)))

    assert squeezed("Congress of Local and Regional Authorities of the Council of Europe".upper()) in text
    assert squeezed(content.verification_url) in text


def test_render_certificate_long_name_takes_a_smaller_size():
    html = certificate_html(make_content(organisation_name="A" * 80))

    assert 'class="organisation-name s3"' in html


# --- The design: accent colour, wording, logo, signatures ---------------------------------------------------


def test_render_certificate_design_wording_and_accent_colour():
    content = make_content(
        language="both",
        accent_colour="#7a1f3d",
        awarding_body="City of Strasbourg",
        awarding_body_fr="Ville de Strasbourg",
        prize_name="Strasbourg Prize",
        prize_name_fr="Prix de Strasbourg",
    )

    html = certificate_html(content)
    text = words_of(render_certificate(content))

    assert "--accent: #7a1f3d;" in html
    assert "--accent:" not in certificate_html(make_content())  # without a colour, certificate.css's own
    assert 'stroke="#7a1f3d"' in html  # the QR code
    assert "CITY OF STRASBOURG" in text
    assert "VILLE DE STRASBOURG" in text
    assert "Strasbourg Prize" in text
    assert "CONGRESS OF LOCAL" not in text


def test_render_certificate_prints_the_logo_and_signatures_with_their_text():
    logo = Picture.of(image_bytes("PNG", (300, 120)), "image/png")
    signature = Picture.of(image_bytes("JPEG", (400, 150)), "image/jpeg")
    content = make_content(
        logo=logo, logo_text="Logo of the City of Strasbourg", signatures=(None, signature)
    )

    reader = read(render_certificate(content))

    figures = {e["/Alt"] for e in structure_elements(reader) if e["/S"] == "/Figure"}
    assert {"Logo of the City of Strasbourg", "Signature of Demo Chair"} <= figures
    images = [
        xobject
        for xobject in reader.pages[0]["/Resources"]["/XObject"].values()
        if xobject.get_object()["/Subtype"] == "/Image"
    ]
    assert len(images) == 2


def test_render_certificate_refuses_a_picture_without_its_bytes():
    picture = Picture(hashlib.sha256(b"gone").hexdigest(), "image/png")

    with pytest.raises(ValueError, match="missing"):
        render_certificate(make_content(logo=picture))


def test_picture_refuses_bytes_its_digest_does_not_name():
    with pytest.raises(ValueError, match="SHA-256"):
        Picture(hashlib.sha256(b"one").hexdigest(), "image/png", b"another")


def test_certificate_html_qr_code_encodes_verification_url(monkeypatch):
    given = []
    make = segno.make

    def spy(*args, **kwargs):
        given.append((args, kwargs))
        return make(*args, **kwargs)

    monkeypatch.setattr(pdf.segno, "make", spy)
    content = make_content()

    html = certificate_html(content)

    assert given == [((content.verification_url,), {"error": "m"})]
    title = f"QR code: {content.verification_url}"
    assert (
        segno.make(content.verification_url, error="m").svg_inline(
            dark="#12305f", border=0, omitsize=True, title=title
        )
        in html
    )


def test_certificate_html_escapes_user_text():
    html = certificate_html(make_content(organisation_name="<b>Obrnice</b>", project_title='"x" & <y>'))

    assert "&lt;b&gt;Obrnice&lt;/b&gt;" in html
    assert "&#34;x&#34; &amp; &lt;y&gt;" in html
    assert "<b>" not in html


class RecordingHandler(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self):
        self.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def loopback_server():
    """A web server on a loopback port that records every request it receives."""
    RecordingHandler.requests = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), RecordingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def fetched(monkeypatch):
    """Every URL WeasyPrint asks the certificate fetcher for, whether it was served or refused."""
    urls = []
    original = AssetFetcher.fetch

    def recording_fetch(self, url, headers=None):
        urls.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(AssetFetcher, "fetch", recording_fetch)
    return urls


ASSET_URLS = {
    (ASSETS_DIR / name).as_uri()
    for name in (
        "certificate.css",
        "frame.svg",
        "divider.svg",
        "fonts/NotoSerif-Regular.ttf",
        "fonts/NotoSerif-Bold.ttf",
        "fonts/NotoSerif-Italic.ttf",
    )
}


# What people typed (the municipality's name, the project) and what the organisers wrote (the prize, the
# edition, the design's wording, the signatories) all reach the HTML page: every one must stay harmless text.
HOSTILE_FIELDS = ("organisation_name", "prize_name", "edition_name", "awarding_body", "signatory")


def hostile(field: str, text: str) -> CertificateContent:
    if field == "signatory":
        return make_content(signatories=((text, "Chair of the Jury"),))
    return make_content(**{field: text})


@pytest.mark.parametrize("field", HOSTILE_FIELDS)
def test_render_certificate_image_in_user_text_is_text_and_fetches_nothing(loopback_server, fetched, field):
    text = f"<img src=http://127.0.0.1:{loopback_server.server_port}/x>"

    pdf_bytes = render_certificate(hostile(field, text))

    assert squeezed(text).upper() in squeezed(text_of(pdf_bytes)).upper()  # the awarding body in capitals
    assert RecordingHandler.requests == []
    assert set(fetched) == ASSET_URLS


@pytest.mark.parametrize("field", HOSTILE_FIELDS)
def test_render_certificate_attachment_in_user_text_is_text_and_embeds_nothing(fetched, field):
    text = "<link rel=attachment href=file:///etc/passwd>"

    pdf_bytes = render_certificate(hostile(field, text))

    reader = read(pdf_bytes)
    assert squeezed(text).upper() in squeezed(text_of(pdf_bytes)).upper()  # the awarding body in capitals
    assert reader.attachments == {}
    assert "/EmbeddedFiles" not in reader.trailer["/Root"].get("/Names", {})
    assert "root:" not in text_of(pdf_bytes)
    assert set(fetched) == ASSET_URLS


@pytest.mark.parametrize("field", HOSTILE_FIELDS)
def test_render_certificate_style_import_in_user_text_is_text_and_loads_nothing(fetched, field):
    text = "<style>@import url(file:///etc/passwd)</style>"

    assert squeezed(text).upper() in squeezed(text_of(render_certificate(hostile(field, text)))).upper()
    assert set(fetched) == ASSET_URLS


def test_asset_fetcher_refuses_what_raw_html_points_at(loopback_server):
    """Even HTML that escaped the template could load nothing but the certificate's own assets."""
    port = loopback_server.server_port
    html = HTML(
        string=(
            f"<style>@import url(http://127.0.0.1:{port}/style.css);</style>"
            "<style>@import url(file:///etc/passwd);</style>"
            '<link rel="attachment" href="file:///etc/passwd">'
            f'<link rel="attachment" href="http://127.0.0.1:{port}/attachment">'
            f'<img src="http://127.0.0.1:{port}/image.png"><p>Obrnice</p>'
        ),
        base_url=ASSETS_DIR.as_uri() + "/",
        url_fetcher=AssetFetcher(),
    )

    reader = read(html.write_pdf())

    assert RecordingHandler.requests == []
    assert reader.attachments == {}
    assert reader.pages[0].extract_text() == "Obrnice"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/x",
        "https://example.org/x.css",
        "ftp://example.org/x.css",
        "data:text/css,p{color:red}",
        "file:///etc/passwd",
        "file://localhost/etc/passwd",
        "file://example.org" + str(ASSETS_DIR / "certificate.css"),
        (ASSETS_DIR / "../../../../../../etc/passwd").as_uri(),
        ASSETS_DIR.as_uri() + "/%2e%2e/%2e%2e/__init__.py",
        ASSETS_DIR.as_uri() + "/certificate.css?x=1",
        ASSETS_DIR.as_uri() + "/fonts/OFL.txt",
        ASSETS_DIR.as_uri() + "/fonts",
        ASSETS_DIR.as_uri() + "/missing.css",
        "data:image/png;base64,iVBORw0KGgo=",
    ],
)
def test_asset_fetcher_refuses_everything_but_assets(url):
    with pytest.raises(AssetRefused):
        AssetFetcher().fetch(url)


def test_asset_fetcher_refuses_symlink_out_of_assets(tmp_path, monkeypatch):
    assets = tmp_path / "assets"
    assets.mkdir()
    secret = tmp_path / "secret.css"
    secret.write_text("p { color: red }")
    (assets / "linked.css").symlink_to(secret)
    monkeypatch.setattr(pdf, "ASSETS_DIR", assets.resolve())

    with pytest.raises(AssetRefused):
        AssetFetcher().fetch((assets / "linked.css").as_uri())


def test_asset_fetcher_serves_stylesheet_with_its_type():
    response = AssetFetcher().fetch((ASSETS_DIR / "certificate.css").as_uri())

    assert response.content_type == "text/css"
    assert response.read() == (ASSETS_DIR / "certificate.css").read_bytes()


def test_asset_fetcher_serves_only_the_pictures_it_was_given():
    picture = Picture.of(image_bytes("PNG", (20, 20)), "image/png")
    url = pdf.picture_url(picture)
    fetcher = AssetFetcher({url: picture})

    response = fetcher.fetch(url)

    assert response.content_type == "image/png"
    assert response.read() == picture.data
    with pytest.raises(AssetRefused):
        fetcher.fetch(url.replace("iVBOR", "iVBOr"))


def test_sha256_hex_known_value():
    assert sha256_hex(b"abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_pdf_module_imports_neither_flask_nor_sqlalchemy():
    """The renderer and what it imports load with Flask and SQLAlchemy made unimportable."""
    package = Path(pdf.__file__).parent
    program = (
        "import sys, types\n"
        "sys.modules['flask'] = sys.modules['sqlalchemy'] = None\n"
        f"for name, path in (('app', {str(package.parent)!r}), ('app.certificates', {str(package)!r})):\n"
        "    module = sys.modules[name] = types.ModuleType(name)\n"
        "    module.__path__ = [path]\n"
        "import app.certificates.pdf\n"
        "print(sorted(name for name in sys.modules if name.startswith('app.')))\n"
    )

    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)

    assert result.stdout.split() == [
        "['app.certificates',",
        "'app.certificates.content',",
        "'app.certificates.look',",
        "'app.certificates.pdf',",
        "'app.ordinals']",
    ]
