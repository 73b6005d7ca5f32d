"""The citizen's pages in a real browser (Debian chromium, 360 px phone first): file a complaint
with a photo, get the private link, follow it, answer the officer's question and rate the answer
through the page; a stranger with the id only sees no forms and is refused."""

from __future__ import annotations

import re
from typing import Any

from tests.e2e.officer_client import KEL, KEL_SERVICES, Officers, unique_email
from tests.support import eventually, has_exif, http, photo_jpeg, recorded_events

COORD, ADMIN, BIDANG = "koordinator", "admin.oro-oro-dowo", "pelayanan.oro-oro-dowo"
ANSWER = (
    "Terima kasih atas laporan Bapak/Ibu. Petugas kebersihan Kelurahan Oro-oro Dowo sudah "
    "mengangkut sampah di Jalan Kawi pada hari Senin dan jadwal pengangkutan kami tambah."
)


def fill_the_form(page: Any, site: str, photo: Any, email: str) -> None:
    page.goto(f"{site}/")
    page.get_by_label("Judul").fill("Sampah menumpuk di Jalan Kawi")
    page.get_by_label("Isi laporan").fill(
        "Sampah rumah tangga menumpuk di pinggir Jalan Kawi dekat taman, tidak diangkut sejak minggu lalu."
    )
    page.get_by_label("Jenis laporan").select_option("pengaduan")
    # the pickers are fed by GET /v1/areas
    page.get_by_label("Kecamatan").select_option("Klojen")
    page.get_by_label("Kelurahan").select_option("Oro-oro Dowo")
    page.get_by_label("Alamat").fill("Jl. Kawi, depan taman")
    page.get_by_label("Foto").set_input_files(str(photo))
    page.get_by_label("Nama").fill("Sri Rahayu")
    page.get_by_label("E-mail").fill(email)


def test_a_citizen_files_tracks_answers_and_rates_on_a_phone(
    cloud, site, phone, screenshot, assert_accessible, tmp_path
):
    photo = tmp_path / "sampah.jpg"
    photo.write_bytes(photo_jpeg())  # GPS EXIF inside, as a phone writes it
    email = unique_email()
    fill_the_form(phone, site, photo, email)
    assert_accessible(phone)
    screenshot(phone, step="form")

    # consent is needed once a name or contact is given: the page says so at the field
    phone.get_by_role("button", name="Kirim Laporan").click()
    consent = phone.locator("#setuju-salah")
    consent.wait_for()
    assert "persetujuan" in consent.inner_text()
    assert phone.get_by_label("Saya setuju", exact=False).get_attribute("aria-invalid") == "true"
    phone.get_by_label("Saya setuju", exact=False).check()
    phone.get_by_role("button", name="Kirim Laporan").click()

    # the receipt: the tracking id big, and the private link
    phone.locator("#tanda-terima").wait_for()
    tracking_id = phone.locator("#nomor-terima").inner_text()
    assert re.fullmatch(r"[0-9A-Z]{5}-[0-9A-Z]{5}", tracking_id)
    link = phone.locator("#tautan-pribadi").get_attribute("href")
    assert link.startswith(f"{site}/lacak/{tracking_id}#k=")
    assert_accessible(phone)
    screenshot(phone, step="receipt")

    # the photo went straight to storage and reaches the complaint without its metadata
    officers = Officers(cloud)

    def linked():
        item = cloud.client("dynamodb").get_item(
            TableName=cloud.resources["ComplaintTable"],
            Key={"PK": {"S": f"C#{tracking_id}"}, "SK": {"S": "META"}},
        )["Item"]
        return item.get("media", {}).get("L")

    media = eventually(
        linked, timeout=30, what=f"the photo linked ({recorded_events(cloud, tracking_id)})"
    )
    key = media[0]["M"]["key"]["S"]
    stored = cloud.client("s3").get_object(Bucket=cloud.resources["MediaBucket"], Key=key)
    assert not has_exif(stored["Body"].read())

    # the private link opens the tracking page: status, timeline, and the citizen's forms
    phone.goto(link)
    phone.locator("ol.timeline").get_by_text("Pengaduan diterima").wait_for()
    phone.get_by_label("Balasan", exact=True).wait_for()
    assert phone.get_by_label("Nilai", exact=True).count() == 0  # nothing to rate before an answer
    assert_accessible(phone)
    screenshot(phone, step="tracking")

    # the coordinator asks a question; the citizen answers it through the page
    seen = officers.detail(COORD, tracking_id)
    asked = officers.act(
        COORD, tracking_id, action="defer", text="Mohon sebutkan nomor rumah terdekat."
    )
    assert asked.status == 200, asked
    phone.reload()
    phone.get_by_text("Mohon sebutkan nomor rumah terdekat.").wait_for()
    phone.get_by_label("Balasan", exact=True).fill("Depan rumah nomor 12, dekat pos ronda.")
    phone.get_by_role("button", name="Kirim Balasan").click()
    phone.get_by_text("Balasan Anda sudah kami terima.").wait_for()
    assert "Depan rumah nomor 12, dekat pos ronda." in [
        m["text"] for m in officers.detail(COORD, tracking_id)["messages"] if m["kind"] == "reply"
    ]

    # the officers answer it (through the API)
    seen = officers.detail(COORD, tracking_id)
    verified = officers.act(
        COORD, tracking_id, action="verify", unit_id=KEL, version=seen["complaint"]["version"]
    )
    assert verified.status == 200, verified
    assert officers.act(ADMIN, tracking_id, action="dispatch", bidang_id=KEL_SERVICES).status == 200
    assert officers.act(BIDANG, tracking_id, action="draft_answer", text=ANSWER).status == 200
    assert officers.act(ADMIN, tracking_id, action="release").status == 200

    # the page shows the answer; the citizen rates it there
    phone.reload()
    phone.get_by_text("Petugas kebersihan Kelurahan Oro-oro Dowo", exact=False).wait_for()
    phone.get_by_label("Nilai", exact=True).select_option("5")
    phone.get_by_label("Komentar (tidak wajib)").fill("Cepat, terima kasih")
    assert_accessible(phone)
    screenshot(phone, step="answered")
    phone.get_by_role("button", name="Kirim Penilaian").click()
    phone.get_by_text("Terima kasih, penilaian Anda sudah kami terima.").wait_for()
    assert officers.detail(COORD, tracking_id)["complaint"]["rating"]["score"] == 5
    phone.reload()
    phone.get_by_text("Anda sudah memberi penilaian", exact=False).wait_for()
    assert phone.get_by_label("Nilai", exact=True).count() == 0
    screenshot(phone, step="rated")


def test_a_stranger_with_the_id_sees_no_forms_and_is_refused(
    cloud, site, desktop, screenshot, assert_accessible
):
    filed = http(
        "POST",
        f"{site}/v1/complaints",
        {
            "title": "Lampu jalan mati",
            "description": "Lampu penerangan jalan di Jalan Ijen mati sudah tiga malam.",
            "location": {"kecamatan": "Klojen", "kelurahan": "Oro-oro Dowo"},
        },
    ).json
    tracking_id = filed["tracking_id"]
    # typed loosely into the lookup form
    desktop.goto(f"{site}/lacak")
    desktop.get_by_label("Nomor pengaduan").fill(tracking_id.lower().replace("-", " "))
    desktop.get_by_role("button", name="Lacak").click()
    desktop.wait_for_url(f"{site}/lacak/{tracking_id}")
    desktop.locator("ol.timeline").get_by_text("Pengaduan diterima").wait_for()
    assert (
        desktop.get_by_label("Balasan", exact=True).count() == 0
        and desktop.get_by_label("Nilai", exact=True).count() == 0
    )
    assert_accessible(desktop)
    screenshot(desktop, step="stranger")
    # and what they send is refused
    status = desktop.evaluate(
        """async (id) => (await fetch(`/v1/complaints/${id}/rating`, {method: "POST",
            headers: {"content-type": "application/json"}, body: JSON.stringify({score: 1})})).status""",
        tracking_id,
    )
    assert status == 403
    # a wrong key in the link is not accepted either
    desktop.goto(f"{site}/lacak/{tracking_id}#k=tebakan")
    desktop.get_by_text("Tautan pribadi ini tidak berlaku", exact=False).wait_for()
    assert desktop.get_by_label("Balasan", exact=True).count() == 0


def test_the_status_reads_without_javascript_and_the_form_says_it_needs_it(
    cloud, site, new_page, screenshot, assert_accessible
):
    filed = http(
        "POST",
        f"{site}/v1/complaints",
        {
            "title": "Drainase tersumbat",
            "description": "Saluran air di Jalan Bandung tersumbat, air meluap setiap hujan.",
        },
    ).json
    page = new_page("phone", java_script_enabled=False)
    page.goto(f"{site}/lacak?nomor={filed['tracking_id'].lower()}")
    page.get_by_text("Belum diverifikasi").wait_for()
    page.locator("ol.timeline").get_by_text("Pengaduan diterima").wait_for()
    screenshot(page, step="nojs")
    page.goto(f"{site}/")
    assert "memerlukan JavaScript" in page.content()


def test_the_english_switch(cloud, site, desktop, screenshot, assert_accessible):
    desktop.goto(f"{site}/")
    desktop.get_by_role("link", name="English").click()
    desktop.get_by_role("heading", name="Send us your report").wait_for()
    assert desktop.evaluate("document.documentElement.lang") == "en"
    assert_accessible(desktop)
    screenshot(desktop, step="en")
    desktop.goto(f"{site}/lacak?lang=en")
    desktop.get_by_role("heading", name="Track a complaint").wait_for()
    screenshot(desktop, step="lacak-en")


def test_the_apis_refusals_show_at_their_field_and_my_location_is_sent(
    cloud, site, new_page, screenshot, assert_accessible
):
    page = new_page(
        "phone",
        geolocation={"latitude": -7.9666, "longitude": 112.6326},
        permissions=["geolocation"],
    )
    page.goto(f"{site}/")
    page.get_by_label("Judul").fill("Pohon tumbang")
    page.get_by_label("Isi laporan").fill(
        "Pohon tumbang menutup separuh Jalan Ijen sejak pagi tadi."
    )
    page.get_by_role("button", name="Gunakan lokasi saya").click()
    page.get_by_text("Lokasi Anda dicatat", exact=False).wait_for()
    # a category the API does not accept (the page offers only real ones; this one is forged)
    page.evaluate(
        """() => { const o = document.createElement("option"); o.value = "x".repeat(61);
        o.textContent = "palsu"; document.getElementById("kategori").append(o);
        document.getElementById("kategori").value = o.value; }"""
    )
    page.get_by_role("button", name="Kirim Laporan").click()
    problem = page.locator("#kategori-salah")
    problem.wait_for()
    assert "Kategori ini tidak dikenal" in problem.inner_text()  # in Indonesian, at the field
    assert page.get_by_label("Kategori (tidak wajib)").get_attribute("aria-invalid") == "true"
    assert page.locator("#ringkasan").is_visible()
    assert_accessible(page)
    screenshot(page, step="refused")
    # with a real category it goes through, with the coordinates
    page.get_by_label("Kategori (tidak wajib)").select_option("roads")
    page.get_by_role("button", name="Kirim Laporan").click()
    page.locator("#tanda-terima").wait_for()
    tracking_id = page.locator("#nomor-terima").inner_text()
    item = cloud.client("dynamodb").get_item(
        TableName=cloud.resources["ComplaintTable"],
        Key={"PK": {"S": f"C#{tracking_id}"}, "SK": {"S": "META"}},
    )["Item"]
    where = item["location"]["M"]
    assert float(where["lat"]["N"]) == -7.9666 and float(where["lon"]["N"]) == 112.6326
