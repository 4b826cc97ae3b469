"""The organiser's ranking page: values, methods, robustness flags, charts, access and query counts."""

import re

import pytest

from app.ranking import scoring
from tests.conftest import counting_queries


def ranking_url(small, **query):
    url = f"/manage/editions/{small.edition.id}/ranking"
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def row_of(html: str, organisation: str) -> str:
    """The <tr> of the ranking table that names this organisation."""
    for row in re.findall(r"<tr class=\"[^\"]*\">.*?</tr>", html, flags=re.S):
        if f">{organisation}<" in row:
            return row
    raise AssertionError(f"no row for {organisation}")


def cells(row: str) -> list[str]:
    """The text of each cell, tags stripped and spaces collapsed."""
    found = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, flags=re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in found]


def test_ranking_page_shows_hand_checked_values(client, auth, small):
    auth.login(small.organiser.email)

    response = client.get(ranking_url(small))

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    obrnice = cells(row_of(html, "Obrnice"))
    # rank (a star and words for the podium), organisation with its country and reference, mean, three
    # criterion means, sheets, std
    assert obrnice[0] == "1 ★ (podium)"
    assert obrnice[1] == f"Obrnice Czech Republic · {small.entries['A'].reference}"
    assert obrnice[2:8] == ["9.00", "9.33", "9.00", "8.67", "3", "0.82"]
    # rank under median, trimmed mean and z-scores; rank interval; robust
    assert obrnice[8:12] == ["1", "1", "1", "1"]
    assert obrnice[12] == "Robust"
    heraklion_row = row_of(html, "Ηράκλειο")
    assert '<span lang="el">Ηράκλειο</span>' in heraklion_row
    assert cells(heraklion_row)[2] == "8.00"


def test_ranking_page_marks_entry_below_minimum_sheets(client, auth, small):
    auth.login(small.organiser.email)

    html = client.get(ranking_url(small)).get_data(as_text=True)

    assert cells(row_of(html, "Demo Municipality 5"))[6] == "2 — below 3"
    assert cells(row_of(html, "Demo Municipality 4"))[6] == "3"
    assert "1 entry has fewer than 3 score sheets" in html


def test_ranking_page_flags_fragile_podium_with_reasons(client, auth, small):
    auth.login(small.organiser.email)

    html = client.get(ranking_url(small)).get_data(as_text=True)

    kocaeli = row_of(html, "Kocaeli")
    assert "Fragile" in kocaeli
    assert "4th under median" in kocaeli
    assert "drops to 4th without Juror Two" in kocaeli
    assert cells(kocaeli)[11] == "2–4"
    demo = row_of(html, "Demo Municipality 4")
    assert "3rd under median" in demo
    assert "rises to 3rd without Juror Two" in demo


@pytest.mark.parametrize("method", scoring.METHODS)
def test_ranking_page_every_method_selectable(client, auth, small, method):
    auth.login(small.organiser.email)

    response = client.get(ranking_url(small, method=method))

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    pills = re.search(r'<ul class="nav nav-pills method-pills.*?</ul>', html, flags=re.S).group(0)
    active = re.findall(r'<a class="nav-link[^"]* active" aria-current="page"\s+href="([^"]+)"', pills)
    assert len(active) == 1 and active[0].endswith(f"method={method}")
    # the other three methods each get a rank column; the chosen one is the aggregate
    head = re.search(r"<thead.*?</thead>", html, flags=re.S).group(0)
    others = [m for m in scoring.METHODS if m != method]
    shown = re.findall(r'data-column="\d+" class="text-end">([^<]+)</th>', head)[-3:]
    assert shown == [
        {"mean": "Mean", "median": "Median", "trimmed_mean": "Trimmed mean", "zscore": "Z\u2011scores"}[m]
        for m in others
    ]
    assert cells(row_of(html, "Obrnice"))[0] == "1 ★ (podium)"


def test_ranking_page_median_puts_demo_municipality_on_podium(client, auth, small):
    auth.login(small.organiser.email)

    html = client.get(ranking_url(small, method="median")).get_data(as_text=True)

    assert cells(row_of(html, "Demo Municipality 4"))[0] == "3 ★ (podium)"
    assert cells(row_of(html, "Kocaeli"))[0] == "4"


def test_ranking_page_unknown_method_falls_back_to_edition_method(client, auth, small):
    auth.login(small.organiser.email)

    response = client.get(ranking_url(small, method="dice"))

    assert response.status_code == 200
    assert "Unknown method" in response.get_data(as_text=True)


def test_ranking_page_charts_are_accessible_svg_without_style_attributes(client, auth, small):
    auth.login(small.organiser.email)

    html = client.get(ranking_url(small)).get_data(as_text=True)

    for chart_id in ("juror-chart", "entries-chart", "juror-chart-compact", "entries-chart-compact"):
        svg = re.search(rf'<svg [^>]*id="{chart_id}".*?</svg>', html, flags=re.S).group(0)
        assert f'aria-labelledby="{chart_id}-title {chart_id}-desc"' in svg
        assert f'<title id="{chart_id}-title">' in svg
        assert f'<desc id="{chart_id}-desc">' in svg
    juror_svg = re.search(r'<svg [^>]*id="juror-chart".*?</svg>', html, flags=re.S).group(0)
    assert "Juror Two" in juror_svg
    assert "harsh" in juror_svg
    # Drawn from summaries: a box per juror with sheets and one for the panel, never a dot per sheet.
    assert juror_svg.count('class="chart-box"') == 3 + 1
    assert "chart-dot" not in html
    assert " style=" not in html
    assert "<script>" not in html


def test_ranking_page_juror_table_says_who_is_harsh(client, auth, small):
    auth.login(small.organiser.email)

    html = client.get(ranking_url(small)).get_data(as_text=True)

    table = re.search(
        r'<table class="table table-sm align-middle juror-table[^"]*".*?</table>', html, flags=re.S
    ).group(0)
    two = next(cells(r) for r in re.findall(r"<tr>.*?</tr>", table, flags=re.S) if "Juror Two" in r)
    # Juror Two: 8, 7, 9, 4 -> mean 7; against fellow jurors: -1.5, -1.5, +3, -3 -> -0.75
    # median of 4, 7, 8, 9: 7.5
    assert two == ["Juror Two", "Germany", "4", "7.00", "1.87", "4.00", "7.50", "9.00", "−0.8 harsh"]


@pytest.mark.parametrize("who", ["applicant", "juror", "chair"])
def test_ranking_page_refused_to_non_organisers(client, auth, small, make, who):
    user = {
        "applicant": small.applicants["A"],
        "juror": small.jurors["two"],
        "chair": small.jurors["one"],
    }[who]
    auth.login(user.email)

    assert client.get(ranking_url(small)).status_code == 403


def test_ranking_page_anonymous_redirected_to_login(client, small):
    response = client.get(ranking_url(small))

    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_ranking_page_unknown_edition_not_found(client, auth, make):
    auth.login(make.organiser().email)

    assert client.get("/manage/editions/999999/ranking").status_code == 404


def scored_edition(make, db, entries: int, jurors: int):
    edition = make.edition(phase="deliberation")
    panel = [make.juror(name=f"Juror {n}") for n in range(jurors)]
    for juror in panel:
        make.jury_member(edition, juror)
    for n in range(entries):
        application = make.application(edition_=edition, status="eligible")
        for k, juror in enumerate(panel):
            make.score_sheet(make.assignment(application, juror), [(n + k) % 11, (n * k) % 11, 5])
    db.session.commit()
    return edition


def test_ranking_page_query_count_constant_in_entries_jurors_and_sheets(client, auth, make, db):
    small_edition = scored_edition(make, db, entries=5, jurors=2)
    large_edition = scored_edition(make, db, entries=50, jurors=5)
    auth.login(make.organiser().email)
    db.session.commit()

    counts = []
    for edition in (small_edition, large_edition):
        with counting_queries(db) as statements:
            response = client.get(f"/manage/editions/{edition.id}/ranking")
        assert response.status_code == 200
        counts.append(len(statements))

    assert counts[0] == counts[1]
    assert counts[0] <= 15


def test_ranking_page_leading_entries_table_gives_each_spread(client, auth, small):
    auth.login(small.organiser.email)

    html = client.get(ranking_url(small)).get_data(as_text=True)

    table = re.search(
        r'<table class="table table-sm align-middle stack-md leading-table".*?</table>', html, flags=re.S
    )
    rows = [cells(r) for r in re.findall(r"<tr>.*?</tr>", table.group(0), flags=re.S)]
    # Obrnice: totals 8, 9, 10 -> lowest 8, median 9, highest 10; mean 9, std 0.82
    assert rows[1] == ["1 ★ (podium)", "Obrnice", "3", "8.00", "9.00", "10.00", "9.00", "0.82"]


def ranked_references(html: str) -> list[str]:
    """The references of the ranking table's rows, in order."""
    body = re.search(
        r'<table class="table table-sm table-hover[^"]*ranking-table.*?<tbody>(.*?)</tbody>', html, re.S
    )
    return re.findall(r'<span class="ref">([^<]+)</span>', body.group(1))


@pytest.fixture
def twelve(make, db, small):
    """The small edition's organiser, and an edition of twelve entries scored by three jurors."""
    return scored_edition(make, db, entries=12, jurors=3)


def test_ranking_page_paginates_and_keeps_podium_and_cut_line(client, auth, small, twelve, monkeypatch, app):
    from app.ranking import view as ranking_view_module
    from app.ranking.numbers import ranking_numbers
    from app.ranking.scores import load_scores

    monkeypatch.setattr(ranking_view_module, "ROWS_PER_PAGE", 3)
    auth.login(small.organiser.email)
    with app.test_request_context():
        scores = load_scores(twelve)
        view = ranking_view_module.ranking_view(scores, ranking_numbers(scores))
    order = [row.entry.reference for row in view.rows]
    pinned = {
        row.entry.reference
        for row in view.rows
        if ranking_view_module.is_flagged(row) or row.ranked.on_podium
    }
    pinned.add(next(row.entry.reference for row in view.rows if not row.ranked.on_podium))

    response = client.get(f"/manage/editions/{twelve.id}/ranking?page=3")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    shown = ranked_references(html)
    assert shown == [ref for ref in order if ref in set(order[6:9]) | pinned]  # rank order kept
    assert "Entries 7 to 9 of 12." in html
    assert "Page 3 of 4" in html
    assert html.count("shown on every page</span>") == len(pinned - set(order[6:9]))
    nav = re.search(r'<nav aria-label="Pages">.*?</nav>', html, flags=re.S).group(0)
    assert f"/manage/editions/{twelve.id}/ranking?page=2" in nav.replace("&amp;", "&")
    assert 'aria-current="page"' in nav


@pytest.mark.parametrize("page", ["abc", "-4", "0", ""])
def test_ranking_page_bad_page_number_shows_the_first(client, auth, small, page):
    auth.login(small.organiser.email)

    response = client.get(ranking_url(small, page=page))

    assert response.status_code == 200
    assert len(ranked_references(response.get_data(as_text=True))) == 5


def test_ranking_page_past_the_last_page_shows_the_last_with_a_message(client, auth, small):
    auth.login(small.organiser.email)

    response = client.get(ranking_url(small, page=99))

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is no page 99: the last page is shown." in html
    assert len(ranked_references(html)) == 5


def test_ranking_page_huge_page_number_is_not_found(client, auth, small):
    auth.login(small.organiser.email)

    assert client.get(ranking_url(small, page=10**30)).status_code == 404


def test_ranking_page_search_by_reference_or_name(client, auth, small, monkeypatch):
    from app.ranking import view as ranking_view_module

    monkeypatch.setattr(ranking_view_module, "FLAGGED_SHOWN", 0)  # only the podium and the cut line pinned
    auth.login(small.organiser.email)
    reference = small.entries["E"].reference

    by_reference = client.get(ranking_url(small, q=reference.lower())).get_data(as_text=True)
    by_name = client.get(ranking_url(small, q="municipality  5")).get_data(as_text=True)

    # E is 5th, below the cut line (D, 4th): it is shown with the podium and the cut line.
    podium_and_cut = [small.entries[letter].reference for letter in "ABCD"]
    assert ranked_references(by_reference) == [*podium_and_cut, reference]
    assert ranked_references(by_name) == [*podium_and_cut, reference]
    assert "Entries 1 to 1 of 1." in by_name
    assert 'value="municipality 5"' in by_name


def test_ranking_page_search_without_match_says_so(client, auth, small):
    auth.login(small.organiser.email)

    html = client.get(ranking_url(small, q="nowhere")).get_data(as_text=True)

    assert "No entry matches." in html


def test_ranking_page_flagged_only(client, auth, small, monkeypatch):
    from app.ranking import view as ranking_view_module

    monkeypatch.setattr(ranking_view_module, "ROWS_PER_PAGE", 1)
    auth.login(small.organiser.email)

    html = client.get(ranking_url(small, flagged=1, page=2)).get_data(as_text=True)

    # Flagged: Kocaeli and Demo Municipality 4 (fragile), Demo Municipality 5 (two sheets), all pinned anyway.
    assert "Entries 2 to 2 of 3." in html
    assert "Page 2 of 3" in html
    assert 'id="ranking-flagged" name="flagged" value="1" checked' in html
