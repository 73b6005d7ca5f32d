"""The console's other stories through the browser: deferral and the citizen's reply, archive as
duplicate from the duplicates panel, a version conflict between two browsers, another unit's
officer opening a complaint's link, reclassification, and the keyboard shortcuts' help."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.console import find_row, open_complaint, open_queue, sign_in
from tests.e2e.officer_client import KEL, KEL_SERVICES, Officers, as_citizen, submit
from tests.support import http

COORD = "koordinator"
ADMIN, BIDANG = "admin.oro-oro-dowo", "pelayanan.oro-oro-dowo"


def test_defer_then_the_citizens_reply_brings_it_back_to_the_queue(
    desktop, site, cloud, screenshot, assert_accessible
):
    tracking_id = submit(
        cloud,
        "Lampu jalan mati di Jalan Bromo",
        "Lampu penerangan di Jalan Bromo mati sudah tiga malam, gelap sekali.",
        "Klojen",
        "Oro-oro Dowo",
    )
    sign_in(desktop, site, COORD, hash_route=f"#/complaints/{tracking_id}")
    desktop.get_by_role("button", name="Tunda", exact=True).click()
    desktop.get_by_role("button", name="Kirim", exact=True).click()
    expect(desktop.locator("#action-text-error")).to_have_text("Wajib diisi.")  # nothing sent yet
    assert_accessible(desktop)
    desktop.get_by_label("Pertanyaan untuk pelapor").fill("Mohon sebutkan nomor tiang lampunya.")
    desktop.get_by_role("button", name="Kirim", exact=True).click()
    expect(desktop.get_by_role("status")).to_have_text("Tersimpan: Tunda.")
    desktop.get_by_role("link", name="Kembali ke kotak masuk").click()
    open_queue(desktop, "Ditunda", tracking_id)
    reply = http(
        "POST",
        f"{cloud.gateway_url}/v1/complaints/{tracking_id}/replies",
        {"text": "Tiang nomor 17."},
        headers=as_citizen(tracking_id),
    )
    assert reply.status == 200, reply
    desktop.reload()
    open_queue(desktop, "Belum diverifikasi", tracking_id)
    open_complaint(desktop, tracking_id)
    expect(desktop.locator(".messages")).to_contain_text("Tiang nomor 17.")
    expect(desktop.locator(".messages")).to_contain_text("Balasan pelapor")
    expect(desktop.locator(".timeline")).to_contain_text("Ditunda, menunggu jawaban pelapor")
    assert "CitizenReplied" not in desktop.inner_text("main")  # no raw event names
    screenshot(desktop, step="replied")


def test_archive_as_duplicate_from_the_duplicates_panel(
    new_page, site, cloud, screenshot, assert_accessible
):
    first = submit(
        cloud,
        "Saluran air tersumbat di Jalan Ijen",
        "Got di Jalan Ijen tersumbat sampah, air meluap ke jalan setiap hujan.",
        "Klojen",
        "Oro-oro Dowo",
    )
    second = submit(
        cloud,
        "Got mampet Jalan Ijen",
        "Selokan Jalan Ijen mampet tersumbat sampah, air meluap sampai jalan kalau hujan.",
        "Klojen",
        "Oro-oro Dowo",
    )
    for viewport in ("desktop", "phone"):
        page = new_page(viewport)
        sign_in(page, site, COORD, hash_route=f"#/complaints/{second}")
        expect(page.get_by_role("heading", name="Kemungkinan duplikat")).to_be_visible()
        assert_accessible(page)
        screenshot(page, step="duplicates")
    page.get_by_role("button", name=f"Arsipkan sebagai duplikat dari {first}").click()
    expect(page.get_by_role("status")).to_have_text("Tersimpan: Arsipkan.")
    expect(page.locator("dl.facts")).to_contain_text("Diarsipkan")
    archived = Officers(cloud).detail(COORD, second)["complaint"]["archive"]
    assert archived["duplicate_of"] == first


def test_a_version_conflict_between_two_browsers_reloads_and_says_who(
    new_page, site, cloud, assert_accessible, screenshot
):
    tracking_id = submit(
        cloud,
        "Pohon tumbang di Jalan Kawi",
        "Pohon besar tumbang menutup separuh Jalan Kawi sejak tadi pagi.",
        "Klojen",
        "Oro-oro Dowo",
    )
    one, two = new_page("desktop"), new_page("desktop")
    for page in (one, two):
        sign_in(page, site, COORD, hash_route=f"#/complaints/{tracking_id}")
    one.get_by_role("button", name="Verifikasi", exact=True).click()
    one.get_by_label("Unit", exact=True).select_option(KEL)
    one.get_by_role("button", name="Kirim", exact=True).click()
    expect(one.get_by_role("status")).to_have_text("Tersimpan: Verifikasi.")
    # the second browser still shows the old version
    two.get_by_role("button", name="Tambah Catatan", exact=True).click()
    two.get_by_label("Catatan internal", exact=True).fill("Sudah saya telepon pelapornya.")
    two.get_by_role("button", name="Kirim", exact=True).click()
    alert = two.get_by_role("alert")
    expect(alert).to_contain_text("baru saja diubah oleh Koordinator")
    expect(alert).to_contain_text("Didisposisikan ke unit")
    expect(two.locator("dl.facts")).to_contain_text("Terdisposisi")  # reloaded
    assert_accessible(two)
    screenshot(two, step="conflict")


def test_an_officer_of_another_unit_sees_not_yours(
    phone, site, cloud, screenshot, assert_accessible
):
    tracking_id = submit(
        cloud,
        "Trotoar rusak di Jalan Kawi",
        "Trotoar di depan toko roti Jalan Kawi rusak dan berlubang besar.",
        "Klojen",
        "Oro-oro Dowo",
    )
    officers = Officers(cloud)
    assert officers.act(COORD, tracking_id, action="verify", unit_id=KEL).status == 200
    sign_in(phone, site, "admin.dlh", hash_route=f"#/complaints/{tracking_id}")
    expect(phone.get_by_role("alert")).to_have_text(
        "Pengaduan ini bukan milik unit atau bidang Anda, jadi tidak dapat dibuka."
    )
    assert "Trotoar di depan toko roti" not in phone.inner_text("body")
    assert_accessible(phone)
    screenshot(phone, step="not-yours")


def test_reclassify_changes_the_category_and_area_and_shows_in_history(
    desktop, site, cloud, assert_accessible
):
    tracking_id = submit(
        cloud,
        "Jalan berlubang di Jalan Kawi",
        "Jalan berlubang besar di depan sekolah, membahayakan pengendara motor.",
        "Klojen",
        "Oro-oro Dowo",
    )
    sign_in(desktop, site, COORD, hash_route=f"#/complaints/{tracking_id}")
    desktop.get_by_role("button", name="Ubah Klasifikasi", exact=True).click()
    desktop.get_by_label("Kategori", exact=True).select_option("waste")
    desktop.get_by_label("Kecamatan", exact=True).select_option("klojen")
    desktop.get_by_label("Kelurahan", exact=True).select_option(label="Kauman")
    assert_accessible(desktop)
    desktop.get_by_role("button", name="Kirim", exact=True).click()
    expect(desktop.get_by_role("status")).to_have_text("Tersimpan: Ubah Klasifikasi.")
    expect(desktop.locator("dl.facts")).to_contain_text("Kauman, Klojen")
    expect(desktop.locator(".timeline")).to_contain_text("Klasifikasi diubah")


def test_the_shortcuts_are_listed_on_question_mark_and_move_through_the_inbox(
    desktop, site, cloud, assert_accessible, screenshot
):
    ids = [
        submit(
            cloud,
            f"Lampu jalan mati di gang {n}",
            "Lampu penerangan jalan di gang kami mati sejak minggu lalu, gelap sekali.",
            "Klojen",
            "Oro-oro Dowo",
        )
        for n in range(2)
    ]
    sign_in(desktop, site, COORD, hash_route="#/inbox/unverified?sort=-due")  # newest first
    find_row(desktop, ids[-1])
    desktop.locator("body").press("?")
    dialog = desktop.get_by_role("dialog", name="Pintasan keyboard")
    expect(dialog).to_be_visible()
    assert_accessible(desktop)
    screenshot(desktop, step="help")
    desktop.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    desktop.locator("body").press("j")
    first = desktop.locator(".rows li").first.get_attribute("data-id")
    expect(desktop.locator(".rows li.selected")).to_have_attribute("data-id", first)
    desktop.keyboard.press("Enter")
    expect(desktop.locator("#complaint-heading")).to_contain_text(first)
    desktop.locator("body").press("j")
    expect(desktop.locator("#complaint-heading")).not_to_contain_text(first)
    desktop.locator("body").press("/")  # no search box here: nothing happens, nothing breaks
    desktop.locator("body").press("i")
    expect(desktop.get_by_label("Cari nomor pengaduan")).to_be_visible()


def test_a_whatsapp_photo_shows_on_the_complaint_page(desktop, site, cloud, tmp_path, screenshot):
    from infra.local import citizen
    from tests.e2e.channel_client import meta, tracking_id_in, unique_phone, wait_outbox
    from tests.support import eventually, photo_jpeg

    phone = unique_phone()
    photo = tmp_path / "lubang.jpg"
    photo.write_bytes(photo_jpeg())
    sent = citizen.send_whatsapp(
        cloud.gateway_url,
        from_=phone,
        text="Lubang besar di Jl. Veteran depan kampus",
        fake_url=cloud.providers_url,
        photo=photo,
    )
    assert sent.status == 200, sent.text
    tracking_id = tracking_id_in(wait_outbox(cloud, "whatsapp", to=phone)[0]["text"])
    eventually(lambda: meta(cloud, tracking_id).get("media"), what="the photo")
    sign_in(desktop, site, COORD, hash_route=f"#/complaints/{tracking_id}")
    image = desktop.get_by_role("img", name="Foto 1 dari pelapor")
    expect(image).to_be_visible()
    desktop.wait_for_function(
        "() => { const i = document.querySelector('.photos img'); return i && i.complete && i.naturalWidth > 0; }"
    )
    src = image.get_attribute("src")
    assert "X-Amz-Expires=300" in src and f"complaints/{tracking_id}/" in src
    screenshot(desktop, step="photo")


def test_the_inbox_refreshes_itself_and_says_when_something_new_arrived(desktop, site, cloud):
    sign_in(desktop, site, COORD, hash_route="#/inbox/unverified?sort=-due")
    desktop.locator(".refreshed").wait_for()
    tracking_id = submit(
        cloud,
        "Lampu jalan mati di Jalan Semeru",
        "Lampu penerangan jalan di Jalan Semeru mati sejak kemarin malam, gelap sekali.",
        "Klojen",
        "Oro-oro Dowo",
    )
    assert desktop.locator(f'.rows li[data-id="{tracking_id}"]').count() == 0
    # the list polls every 20 s; new rows are announced, not slipped in under the officer
    notice = desktop.locator(".new-notice")
    expect(notice).to_contain_text("pengaduan baru", timeout=30_000)
    notice.get_by_role("button", name="Tampilkan").click()
    expect(desktop.locator(f'.rows li[data-id="{tracking_id}"]')).to_be_visible()


def test_the_answer_checks_warnings_show_while_the_bidang_types(
    new_page, site, cloud, screenshot, assert_accessible
):
    tracking_id = submit(
        cloud,
        "Lampu taman mati di Jalan Kawi",
        "Lampu taman di depan sekolah Jalan Kawi mati sejak minggu lalu, gelap di malam hari.",
        "Klojen",
        "Oro-oro Dowo",
    )
    officers = Officers(cloud)
    assert officers.act(COORD, tracking_id, action="verify", unit_id=KEL).status == 200
    assert officers.act(ADMIN, tracking_id, action="dispatch", bidang_id=KEL_SERVICES).status == 200
    answer_text = (
        "Yth. Bapak/Ibu Pelapor, lampu taman di [LOKASI] sudah kami ganti pada hari Senin dan"
        " kini menyala kembali. Terima kasih atas laporan Bapak/Ibu."
    )
    for viewport in ("phone", "desktop"):
        page = new_page(viewport)
        sign_in(page, site, BIDANG, hash_route=f"#/complaints/{tracking_id}")
        page.get_by_role("button", name="Simpan Jawaban", exact=True).click()
        answer = page.get_by_label("Jawaban", exact=True)
        check = page.locator("#action-answer-check")
        said = page.locator('.action-form [aria-live="polite"]')
        expect(answer).to_have_attribute("aria-describedby", "action-answer-check")
        expect(check).to_have_text("Periksa jawaban:Jawaban masih kosong.")

        # Typed key by key: the warnings follow, the typing is never held up or taken away.
        answer.press_sequentially("Lampu sudah kami ganti")
        expect(answer).to_have_value("Lampu sudah kami ganti")
        expect(answer).to_be_focused()
        for warning in (
            "Jawaban terlalu singkat (minimal 10 kata).",
            'Jawaban belum diawali salam atau sapaan (mis. "Yth.").',
            'Jawaban belum ditutup dengan salam penutup (mis. "Terima kasih").',
        ):
            expect(check.get_by_role("listitem").filter(has_text=warning)).to_be_visible()
        # A screen reader hears it once typing pauses (politely, in a region of its own).
        expect(said).to_have_text(
            "Periksa jawaban: Jawaban terlalu singkat (minimal 10 kata). Jawaban belum diawali"
            ' salam atau sapaan (mis. "Yth."). Jawaban belum ditutup dengan salam penutup (mis.'
            ' "Terima kasih").'
        )
        assert_accessible(page)
        screenshot(page, step="warnings")

        answer.fill(answer_text)
        expect(check.get_by_role("listitem")).to_have_text(
            ["Masih ada isian templat yang belum diganti: [LOKASI]."]
        )
        expect(page.locator("mark.blank")).to_have_text("[LOKASI]")
        answer.fill(answer_text.replace("[LOKASI]", "Jalan Kawi"))
        expect(check).to_have_text("Jawaban lolos pemeriksaan.")
        expect(said).to_have_text("Jawaban lolos pemeriksaan.")
        assert_accessible(page)
        screenshot(page, step="passes")

    # The server's check agrees: the saved draft has no problems on record.
    page.get_by_role("button", name="Kirim", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("Tersimpan: Simpan Jawaban.")
    drafted = [
        h for h in officers.detail(COORD, tracking_id)["history"] if h["event"] == "AnswerDrafted"
    ]
    assert drafted[-1]["data"]["check_problems"] == []
