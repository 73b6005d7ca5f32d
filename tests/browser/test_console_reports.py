"""The console's Laporan page: a unit admin's own figures by bidang, the chart with its table,
the overdue list and the downloads; accessible on a desktop and a 360 px phone."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.console import sign_in
from tests.e2e.officer_client import Officers, submit
from tests.support import eventually


def test_a_unit_admin_reads_the_laporan_page(cloud, new_page, site, screenshot, assert_accessible):
    officers = Officers(cloud)
    tracking_id = submit(
        cloud,
        "Saluran tersumbat",
        "Saluran air tersumbat sampah sehingga jalan banjir setiap hujan turun.",
        "Klojen",
        "Oro-oro Dowo",
    )
    assert (
        officers.act("koordinator", tracking_id, action="verify", unit_id="dpuprpkp").status == 200
    )
    assert (
        officers.act(
            "admin.dpuprpkp", tracking_id, action="dispatch", bidang_id="dpuprpkp.sumber-daya-air"
        ).status
        == 200
    )

    def counted() -> bool:
        answer = officers.get("admin.dpuprpkp", "/v1/officer/reports/summary?by=bidang")
        return any(g["value"] == "dpuprpkp.sumber-daya-air" for g in answer.json.get("groups", []))

    eventually(counted, what="the unit's bidang figures")

    for viewport in ("desktop", "phone"):
        page = new_page(viewport)
        sign_in(page, site, "admin.dpuprpkp")
        page.get_by_role("link", name="Laporan").click()
        page.get_by_role("heading", name="Laporan", exact=True).wait_for()
        # The page reads two reports from the emulator: give it the default timeout, not 5 s.
        expect(page.get_by_role("table", name="Per bidang")).to_contain_text(
            "Sumber Daya Air", timeout=15_000
        )
        expect(page.get_by_role("table", name="Aduan per bulan")).to_be_visible()
        chart = page.get_by_role(
            "img",
            name="Diagram batang aduan masuk dan dijawab per bulan; angkanya ada di tabel di sampingnya.",
        )
        expect(chart).to_be_visible(timeout=15_000)  # drawn once both reports are in
        page.wait_for_function(
            "() => [...document.images].some(i => i.src.startsWith('blob:') && i.naturalWidth > 0)"
        )
        with page.expect_download() as download:
            page.get_by_role("button", name="Daftar aduan bulan ini (Excel)").click()
        assert download.value.suggested_filename == "daftar-aduan.xlsx"
        assert_accessible(page)
        screenshot(page)
