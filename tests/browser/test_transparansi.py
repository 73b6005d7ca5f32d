"""The public Transparansi page: charts drawn by the reports API, each with its table, in
Bahasa Indonesia and English, on a desktop and a 360 px phone, accessible (axe-core)."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.officer_client import Officers, submit
from tests.support import eventually, http


def test_transparansi_shows_the_figures_as_charts_and_tables(
    cloud, new_page, site, screenshot, assert_accessible
):
    officers = Officers(cloud)
    ids = [
        submit(
            cloud,
            f"Jalan berlubang {n}",
            "Jalan berlubang besar di depan sekolah, berbahaya bagi pengendara.",
            "Klojen",
            "Oro-oro Dowo",
        )
        for n in range(6)
    ]
    for tracking_id in ids:
        assert (
            officers.act("koordinator", tracking_id, action="verify", unit_id="dpuprpkp").status
            == 200
        )

    def counted() -> bool:
        total = http("GET", f"{site}/v1/reports/summary").json["total"]
        return total["verified"] >= 6

    eventually(counted, what="the reports consumer")

    for viewport in ("desktop", "phone"):
        page = new_page(viewport)
        page.goto(f"{site}/transparansi.html")
        page.get_by_role("heading", name="Transparansi pengaduan").wait_for()
        expect(page.get_by_role("status")).to_contain_text("Periode")
        volume = page.get_by_role("table", name="Aduan per bulan")
        expect(volume).to_be_visible()
        expect(
            page.get_by_role(
                "img",
                name="Diagram batang aduan masuk dan dijawab per bulan; angkanya ada di tabel di bawah.",
            )
        ).to_be_visible()
        for image in ("c-volume", "c-days", "c-units", "c-rating"):
            page.wait_for_function(f"() => document.getElementById('{image}').naturalWidth > 0")
        assert (
            page.get_by_role("table", name="Jawaban tepat waktu per unit")
            .inner_text()
            .count("Dinas")
            >= 1
        )
        assert_accessible(page)
        screenshot(page)

    english = new_page("phone")
    english.goto(f"{site}/transparansi.html")
    english.get_by_role("link", name="English").click()
    english.get_by_role("heading", name="Complaints in the open").wait_for()
    expect(english.get_by_role("table", name="Complaints per month")).to_be_visible()
    assert english.evaluate("() => document.documentElement.lang") == "en"
    assert_accessible(english)
    screenshot(english, step="english")
