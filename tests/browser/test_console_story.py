"""The officers' whole day through the browser, on the local cloud: a web complaint is verified
by the coordinator, dispositioned to a bidang by the kelurahan admin (on a phone), answered from
a template by the bidang, released by the admin, and the citizen's answer is in the outbox."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.console import open_complaint, open_queue, sign_in
from tests.e2e.officer_client import KEL, KEL_SERVICES, outbox, submit, unique_email
from tests.support import eventually

COORD, ADMIN, BIDANG = "koordinator", "admin.oro-oro-dowo", "pelayanan.oro-oro-dowo"


def test_a_complaint_from_arrival_to_the_released_answer(
    new_page, site, cloud, screenshot, assert_accessible
):
    citizen = unique_email()
    tracking_id = submit(
        cloud,
        "Lampu jalan mati di Jalan Kawi",
        "Lampu penerangan jalan di depan taman Jalan Kawi mati sejak tiga hari, jalan gelap di malam hari.",
        "Klojen",
        "Oro-oro Dowo",
        email=citizen,
    )

    # the coordinator finds it in "Belum diverifikasi" with its SLA badge and verifies it to the kelurahan
    coordinator = new_page("desktop")
    sign_in(coordinator, site, COORD)
    row = open_queue(coordinator, "Belum diverifikasi", tracking_id)
    expect(row.locator(".sla")).to_contain_text("Tepat waktu")
    assert_accessible(coordinator)
    screenshot(coordinator, step="inbox")
    open_complaint(coordinator, tracking_id)
    assert_accessible(coordinator)
    screenshot(coordinator, step="complaint")
    coordinator.get_by_role("button", name="Verifikasi", exact=True).click()
    coordinator.get_by_label("Unit", exact=True).select_option(KEL)
    assert_accessible(coordinator)
    coordinator.get_by_role("button", name="Kirim", exact=True).click()
    expect(coordinator.get_by_role("status")).to_have_text("Tersimpan: Verifikasi.")
    expect(coordinator.locator("dl.facts")).to_contain_text("Terdisposisi")
    # the kelurahan's e-mail links to the console page of the complaint
    link = f"{site}/console/#/complaints/{tracking_id}"
    eventually(
        lambda: [m for m in outbox(cloud, channel="email", contains=link)] or None,
        what="the officers' e-mail with the console link",
    )

    # the kelurahan admin, on a phone, dispositions it to the bidang
    admin = new_page("phone")
    sign_in(admin, site, ADMIN)
    open_queue(admin, "Disposisi baru", tracking_id)
    assert_accessible(admin)
    screenshot(admin, step="inbox")
    open_complaint(admin, tracking_id)
    admin.get_by_role("button", name="Disposisi", exact=True).click()
    admin.get_by_label("Bidang", exact=True).select_option(KEL_SERVICES)
    assert_accessible(admin)
    screenshot(admin, step="dispatch")
    admin.get_by_role("button", name="Kirim", exact=True).click()
    expect(admin.get_by_role("status")).to_have_text("Tersimpan: Disposisi.")

    # the bidang drafts from the category's template: the blanks are flagged until filled
    bidang = new_page("desktop")
    sign_in(bidang, site, BIDANG)
    open_queue(bidang, "Tugas saya", tracking_id)
    open_complaint(bidang, tracking_id)
    bidang.get_by_role("button", name="Simpan Jawaban", exact=True).click()
    bidang.get_by_label("Mulai dari templat").select_option(index=1)
    answer = bidang.get_by_label("Jawaban", exact=True)
    expect(answer).to_have_value(re.compile(r"\[[A-Z ]+\]"))
    expect(bidang.locator("#action-answer-check")).to_contain_text(
        "Masih ada isian templat yang belum diganti"
    )
    expect(bidang.locator("mark.blank").first).to_be_visible()
    assert_accessible(bidang)
    screenshot(bidang, step="draft")
    filled = re.sub(r"\[[A-Z][A-Z0-9 _/-]*\]", "Jalan Kawi", answer.input_value())
    answer.fill(filled)
    expect(bidang.locator("#action-answer-check")).to_have_text("Jawaban lolos pemeriksaan.")
    bidang.get_by_role("button", name="Kirim", exact=True).click()
    expect(bidang.get_by_role("status")).to_have_text("Tersimpan: Simpan Jawaban.")

    # the admin releases it from "Jawaban menunggu terbit"
    admin.get_by_role("link", name="Kembali ke kotak masuk").click()
    open_queue(admin, "Jawaban menunggu terbit", tracking_id)
    open_complaint(admin, tracking_id)
    admin.get_by_role("button", name="Terbitkan Jawaban", exact=True).click()
    expect(admin.get_by_label("Jawaban", exact=True)).to_have_value(filled)
    admin.get_by_role("button", name="Kirim", exact=True).click()
    expect(admin.get_by_role("status")).to_have_text("Tersimpan: Terbitkan Jawaban.")
    screenshot(admin, step="released")

    # the citizen's answer is in the outbox
    snippet = filled.split("\n")[0][:20]

    def answered():
        found = [
            m
            for m in outbox(cloud, channel="email", to=citizen, contains=tracking_id)
            if snippet in m.get("text", "")
        ]
        return found or None

    eventually(answered, what="the answer e-mail to the citizen")
