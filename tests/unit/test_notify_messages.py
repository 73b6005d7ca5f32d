import json
from pathlib import Path

from notify.messages import Recipient, recipients_of, render

TEMPLATES = {
    k: v
    for k, v in json.loads(
        (Path(__file__).parents[2] / "infra/seed/templates.json").read_text()
    ).items()
    if not k.startswith("_")
}
VALUES = {
    "tracking_id": "A0B1C-D2E3F",
    "title": "Jalan rusak",
    "status_url": "https://x/v1/complaints/A0B1C-D2E3F",
    "city_name": "Kota Malang",
}


def test_the_sms_acknowledgement_is_polite_indonesian_with_the_tracking_id():
    message = render(TEMPLATES, "acknowledgement", "id", Recipient("sms", "+62812"), VALUES)
    assert (
        message.text.startswith("Yth. Bapak/Ibu")
        and "A0B1C-D2E3F" in message.text
        and "Terima kasih" in message.text
    )
    assert len(message.text) <= 306  # two SMS segments at most


def test_the_email_acknowledgement_greets_by_name_and_has_a_subject():
    message = render(TEMPLATES, "acknowledgement", "id", Recipient("email", "a@b.c", "Sri"), VALUES)
    assert message.subject == "[A0B1C-D2E3F] Pengaduan Anda telah kami terima"
    assert "Yth. Bapak/Ibu Sri" in message.text and "Hormat kami" in message.text


def test_english_is_used_for_citizens_who_wrote_in_english():
    message = render(TEMPLATES, "acknowledgement", "en", Recipient("sms", "+62812"), VALUES)
    assert message.text.startswith("Dear citizen")


def test_recipients_are_the_given_contacts_on_their_channels():
    identity = {"name": "Sri", "phone": "+62812", "email": "sri@example.com"}
    assert recipients_of(identity, ["email", "sms"]) == [
        Recipient("email", "sri@example.com", "Sri"),
        Recipient("sms", "+62812", "Sri"),
    ]
    assert recipients_of({"name": "Sri"}, ["email", "sms"]) == []


def test_a_letter_to_someone_without_a_name_opens_politely_once():
    message = render(TEMPLATES, "acknowledgement", "id", Recipient("email", "a@b.c"), VALUES)
    assert message.text.startswith("Yth. Bapak/Ibu,") and "Bapak/Ibu Bapak/Ibu" not in message.text
    english = render(TEMPLATES, "acknowledgement", "en", Recipient("email", "a@b.c"), VALUES)
    assert english.text.startswith("Dear citizen,")
