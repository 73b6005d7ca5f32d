"""Signing in to the officer console through the browser: SRP against the local user pool, the
first sign-in's new password, forgotten passwords, signing out, and links that land."""

from __future__ import annotations

import json
import secrets

from playwright.sync_api import expect

from tests.browser.console import sign_in


def test_sign_in_page_is_accessible_and_refuses_a_wrong_password(
    new_page, site, screenshot, assert_accessible
):
    for viewport in ("desktop", "phone"):
        page = new_page(viewport)
        page.goto(f"{site}/console/")
        page.get_by_role("heading", name="Masuk ke konsol petugas").wait_for()
        assert_accessible(page)
        screenshot(page, step="signin")
        page.get_by_label("Nama pengguna", exact=True).fill("koordinator")
        page.get_by_label("Kata sandi", exact=True).fill("bukan-kata-sandinya")
        page.get_by_role("button", name="Masuk", exact=True).click()
        expect(page.get_by_role("alert")).to_have_text("Nama pengguna atau kata sandi salah.")
        assert page.get_by_role("button", name="Keluar").count() == 0
        assert_accessible(page)
        screenshot(page, step="wrong-password")


def test_an_officer_signs_in_and_out_and_no_token_is_in_the_url(desktop, site):
    sign_in(desktop, site, "koordinator")
    assert "Masuk sebagai koordinator (Koordinator)" in desktop.inner_text("nav")
    assert "token" not in desktop.url.lower() and "eyJ" not in desktop.url
    stored = desktop.evaluate("() => Object.keys(sessionStorage).join(' ')")
    assert "idToken" in stored
    assert (
        desktop.evaluate("() => Object.keys(localStorage).filter(k => k.includes('Token')).length")
        == 0
    )
    desktop.get_by_role("button", name="Keluar", exact=True).click()
    desktop.get_by_role("button", name="Masuk", exact=True).wait_for()
    assert desktop.evaluate("() => sessionStorage.length") == 0


def test_the_header_names_the_deployments_own_city(new_page, site, cloud, screenshot):
    page = new_page("phone")
    page.goto(f"{site}/console/")
    expect(page.locator(".brand-city")).to_have_text(f"Pemerintah {cloud.outputs['CityName']}")
    # Another city's deployment: the same files, its own config.json.
    other = new_page("desktop")
    config = json.loads(other.request.get(f"{site}/console/config.json").body())

    def sleman(route):
        route.fulfill(json={**config, "cityName": "Kabupaten Sleman"})

    other.route("**/console/config.json", sleman)
    other.goto(f"{site}/console/")
    expect(other.locator(".brand-city")).to_have_text("Pemerintah Kabupaten Sleman")
    other.get_by_role("button", name="Switch to English").click()
    expect(other.locator(".brand-city")).to_have_text("Government of Kabupaten Sleman")
    screenshot(page, step="city")
    screenshot(other, step="other-city")


def test_a_link_to_a_complaint_lands_there_after_sign_in(desktop, site):
    sign_in(desktop, site, "koordinator", hash_route="#/complaints/7K3MQ-9XWT2")
    assert desktop.url.endswith("/console/#/complaints/7K3MQ-9XWT2")


def test_a_new_officer_chooses_a_password_at_first_sign_in(
    new_page, site, cloud, screenshot, assert_accessible
):
    cognito = cloud.client("cognito-idp")
    username = f"baru.{secrets.token_hex(3)}"
    temporary = "Sementara-2026!"
    cognito.admin_create_user(
        UserPoolId=cloud.resources["OfficerUserPool"],
        Username=username,
        TemporaryPassword=temporary,
        MessageAction="SUPPRESS",
    )
    cognito.admin_add_user_to_group(
        UserPoolId=cloud.resources["OfficerUserPool"], Username=username, GroupName="coordinator"
    )
    page = new_page("phone")
    page.goto(f"{site}/console/")
    page.get_by_label("Nama pengguna", exact=True).fill(username)
    page.get_by_label("Kata sandi", exact=True).fill(temporary)
    page.get_by_role("button", name="Masuk", exact=True).click()
    page.get_by_role("heading", name="Buat kata sandi baru").wait_for()
    assert_accessible(page)
    screenshot(page, step="new-password")
    page.get_by_label("Kata sandi baru", exact=True).fill("Baru-Sekali-2026!")
    page.get_by_label("Ulangi kata sandi baru", exact=True).fill("Baru-Sekali-2026?")
    page.get_by_role("button", name="Simpan kata sandi").click()
    expect(page.get_by_role("alert")).to_have_text("Kedua kata sandi tidak sama.")
    page.get_by_label("Ulangi kata sandi baru", exact=True).fill("Baru-Sekali-2026!")
    page.get_by_role("button", name="Simpan kata sandi").click()
    page.get_by_role("button", name="Keluar", exact=True).wait_for()
    page.get_by_role("button", name="Keluar", exact=True).click()
    sign_in(page, site, username, "Baru-Sekali-2026!")


def test_a_forgotten_password_is_reset_with_the_emailed_code(
    desktop, site, cloud, assert_accessible
):
    cognito = cloud.client("cognito-idp")
    username = f"lupa.{secrets.token_hex(3)}"
    pool = cloud.resources["OfficerUserPool"]
    cognito.admin_create_user(
        UserPoolId=pool,
        Username=username,
        MessageAction="SUPPRESS",
        UserAttributes=[
            {"Name": "email", "Value": f"{username}@malangkota.example.go.id"},
            {"Name": "email_verified", "Value": "true"},
        ],
    )
    cognito.admin_set_user_password(
        UserPoolId=pool, Username=username, Password="Lama-Sekali-2026!", Permanent=True
    )
    cognito.admin_add_user_to_group(UserPoolId=pool, Username=username, GroupName="coordinator")
    desktop.goto(f"{site}/console/")
    desktop.get_by_role("button", name="Lupa kata sandi?").click()
    desktop.get_by_label("Nama pengguna", exact=True).fill(username)
    desktop.get_by_role("button", name="Kirim kode").click()
    desktop.get_by_label("Kode verifikasi").wait_for()
    expect(desktop.get_by_role("status")).to_contain_text("Kode verifikasi sudah dikirim")
    assert_accessible(desktop)
    # The local pool sends no e-mail; its ForgotPassword accepts the code the officer types.
    desktop.get_by_label("Kode verifikasi").fill("123456")
    desktop.get_by_label("Kata sandi baru", exact=True).fill("Ganti-Sekali-2026!")
    desktop.get_by_label("Ulangi kata sandi baru", exact=True).fill("Ganti-Sekali-2026!")
    desktop.get_by_role("button", name="Simpan kata sandi").click()
    expect(desktop.get_by_role("status")).to_contain_text("Kata sandi sudah diganti")
    desktop.get_by_label("Nama pengguna", exact=True).fill(username)
    desktop.get_by_label("Kata sandi", exact=True).fill("Lama-Sekali-2026!")
    desktop.get_by_role("button", name="Masuk", exact=True).click()
    expect(desktop.get_by_role("alert")).to_have_text("Nama pengguna atau kata sandi salah.")
    desktop.get_by_label("Kata sandi", exact=True).fill("Ganti-Sekali-2026!")
    desktop.get_by_role("button", name="Masuk", exact=True).click()
    desktop.get_by_role("button", name="Keluar", exact=True).wait_for()


def test_the_language_switch_keeps_the_contract_names(desktop, site):
    desktop.goto(f"{site}/console/")
    desktop.get_by_role("button", name="Switch to English").click()
    desktop.get_by_role("heading", name="Sign in to the officer console").wait_for()
    assert desktop.evaluate("() => document.documentElement.lang") == "en"
    assert desktop.get_by_label("Nama pengguna", exact=True).count() == 1
    assert desktop.get_by_role("button", name="Masuk", exact=True).count() == 1
    desktop.get_by_role("button", name="Ganti ke Bahasa Indonesia").click()
    desktop.get_by_role("heading", name="Masuk ke konsol petugas").wait_for()


def test_the_session_survives_a_reload_and_its_tokens_are_refreshed(desktop, site):
    sign_in(desktop, site, "koordinator")
    desktop.reload()
    desktop.get_by_role("button", name="Keluar", exact=True).wait_for()
    before = desktop.evaluate(
        "() => Object.entries(sessionStorage).find(([k]) => k.endsWith('.idToken'))[1]"
    )
    # What the console's timer does a minute before expiry (the same module instance the page uses).
    refreshed = desktop.evaluate(
        "async () => (await import('/console/auth.js')).refresh().then(s => s.username)"
    )
    assert refreshed == "koordinator"
    after = desktop.evaluate(
        "() => Object.entries(sessionStorage).find(([k]) => k.endsWith('.idToken'))[1]"
    )
    assert after != before and after.count(".") == 2
    desktop.get_by_role("link", name="Kotak masuk").first.click()
    desktop.locator(".queues").wait_for()  # the API takes the refreshed token


def test_the_console_in_english_keeps_the_contract_names(
    phone, site, screenshot, assert_accessible
):
    sign_in(phone, site, "koordinator")
    phone.get_by_role("button", name="Switch to English").click()
    phone.get_by_role("heading", name="Inbox: Not yet verified").wait_for()
    assert phone.get_by_role("button", name="Keluar", exact=True).count() == 1
    assert phone.get_by_label("Cari nomor pengaduan", exact=True).count() == 1
    assert_accessible(phone)
    screenshot(phone, step="inbox-english")
    phone.get_by_role("button", name="Ganti ke Bahasa Indonesia").click()
    phone.get_by_role("heading", name="Kotak masuk: Belum diverifikasi").wait_for()
