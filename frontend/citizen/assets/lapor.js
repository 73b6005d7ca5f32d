// The Lapor form: checks what the API checks, uploads photos straight to storage through the
// presigned POSTs the API hands out, files the complaint, and shows the receipt with the
// private tracking link. Plain ES module, no library: the page must stay small on a cheap phone.

const EN = {
  skip: "Skip to content", site: "Citizen Complaints", nav_lapor: "Report", nav_lacak: "Track",
  title: "Send us your report",
  intro: "Your report goes to the city agency in charge. You get a complaint number to follow what is done about it.",
  f_title: "Title", f_title_help: 'Keep it short, e.g. "Pothole in front of the market".',
  f_description: "Your report", f_description_help: "What happened, where, since when. At least 10 characters.",
  f_type: "Kind of report", type_pengaduan: "Complaint", type_aspirasi: "Suggestion", type_info: "Request for information",
  type_pengaduan_help: "Complaint: a service or facility has a problem.",
  type_aspirasi_help: "Suggestion: an idea or proposal for the city.",
  type_info_help: "Request for information: you want to know something from the city government.",
  f_category: "Category (optional)", category_auto: "Let the system choose",
  where: "Location", choose: "Choose…", choose_kecamatan_first: "Choose the kecamatan first",
  f_address: "Address", f_address_help: "Street, house number, or a landmark nearby.",
  use_location: "Use my location",
  f_photo: "Photos", f_photo_help: "Optional. Up to 3 JPEG, PNG or WebP photos, 5 MB each at most. We remove the location and camera data inside them.",
  contact: "Your contact (optional)", contact_help: "Give one so we can keep you informed. It is stored encrypted and never shown to the public.",
  f_name: "Name", f_phone: "Mobile number", f_phone_help: "E.g. 0812-3456-7890.",
  privacy: "Privacy",
  anonymous_help: "Your name and contact are not shown to the officers handling the report. The report itself is still seen by officers and the public.",
  confidential_help: "The report is not shown to the public: anyone who knows its number only sees its status. The officers handling it still read it.",
  consent: "I agree that the personal data I give is processed to follow up this report (Law No. 27 of 2022 on Personal Data Protection).",
  submit: "Kirim Laporan",
  receipt_title: "We have received your report", receipt_number: "Your complaint number:",
  receipt_link: "Your private link to follow, reply and rate. Keep it safe and do not share it:",
  receipt_hint: "Anyone who knows the complaint number can see its status, but only the holder of the private link can reply or rate.",
  print: "Print the receipt", open_tracking: "Open the tracking page", menu: "Main menu",
};

const MESSAGES = {
  id: {
    title: "Judul paling sedikit 3 huruf.", description: "Isi laporan paling sedikit 10 huruf.",
    phone: "Nomor HP tidak dikenali. Contoh: 0812-3456-7890.", email: "Alamat e-mail tidak dikenali. Contoh: nama@contoh.id.",
    photos_many: "Paling banyak 3 foto.", photos_type: "Foto harus JPEG, PNG, atau WebP.", photos_size: "Setiap foto paling besar 5 MB.",
    consent: "Centang persetujuan ini bila Anda mengisi nama atau kontak.",
    summary: "Ada isian yang perlu diperbaiki. Periksa keterangan di bawah setiap isian.",
    sending: "Mengirim…", uploading: "Mengunggah foto…", failed: "Laporan belum terkirim. Periksa sambungan internet Anda lalu coba lagi.",
    rejected: "Laporan tidak dapat diterima.",
    // The API's own details are in English: in Indonesian each field says it in its words.
    fields: {
      judul: "Judul 3 sampai 200 huruf.", "isi-laporan": "Isi laporan 10 sampai 10.000 huruf.",
      jenis: "Pilih jenis laporan.", kategori: "Kategori ini tidak dikenal. Pilih dari daftar atau biarkan sistem memilih.",
      kecamatan: "Kecamatan tidak dikenal.", kelurahan: "Kelurahan tidak dikenal.", alamat: "Alamat atau lokasi belum benar.",
      nama: "Nama paling panjang 120 huruf.", hp: "Nomor HP tidak dikenali. Contoh: 0812-3456-7890.",
      email: "Alamat e-mail tidak dikenali.", foto: "Foto tidak dapat diterima. Unggah ulang, paling banyak 3.",
    },
    locating: "Mencari lokasi Anda…", located: "Lokasi Anda dicatat ({lat}, {lon}).", no_location: "Lokasi tidak dapat ditemukan. Isi alamat saja.",
  },
  en: {
    title: "The title needs at least 3 characters.", description: "The report needs at least 10 characters.",
    phone: "We do not recognise this mobile number. E.g. 0812-3456-7890.", email: "We do not recognise this e-mail address. E.g. name@example.com.",
    photos_many: "At most 3 photos.", photos_type: "Photos must be JPEG, PNG or WebP.", photos_size: "Each photo can be 5 MB at most.",
    consent: "Tick this consent if you give a name or a contact.",
    summary: "Some fields need fixing. See the note under each of them.",
    sending: "Sending…", uploading: "Uploading photos…", failed: "The report was not sent. Check your connection and try again.",
    rejected: "The report cannot be accepted.",
    locating: "Finding your location…", located: "Your location was recorded ({lat}, {lon}).", no_location: "Your location could not be found. Please give the address.",
  },
};

// Mirrors the API's own limits (ComplaintForm, the upload policy).
export const LIMITS = { photos: 3, photoBytes: 5 * 1024 * 1024, photoTypes: ["image/jpeg", "image/png", "image/webp"] };
const PHONE = /^\+?[0-9][0-9 \-]{6,18}$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

// Where the API's field names are shown on this page.
const FIELDS = {
  title: "judul", description: "isi-laporan", type: "jenis", category: "kategori",
  "location.kecamatan": "kecamatan", "location.kelurahan": "kelurahan", "location.address": "alamat", location: "alamat",
  "location.lat": "alamat", "location.lon": "alamat",
  "reporter.name": "nama", "reporter.phone": "hp", "reporter.email": "email", reporter: "nama", photos: "foto", consent: "setuju",
};

const params = new URLSearchParams(location.search);
const lang = params.get("lang") === "en" ? "en" : "id";
const say = MESSAGES[lang];
const $ = (id) => document.getElementById(id);
let areas = [];
let coordinates = null;

function translate() {
  if (lang !== "en") return;
  document.documentElement.lang = "en";
  document.title = "Report · Citizen Complaints";
  for (const node of document.querySelectorAll("[data-t]")) {
    const text = EN[node.dataset.t];
    if (text) node.textContent = text;
  }
  for (const node of document.querySelectorAll("[data-t-aria]")) node.setAttribute("aria-label", EN[node.dataset.tAria]);
  const other = $("ganti-bahasa");
  other.textContent = "Bahasa Indonesia";
  other.href = "/";
  other.lang = other.hreflang = "id";
  $("ke-lacak").href = "/lacak?lang=en";
}

async function getJSON(url) {
  const answer = await fetch(url, { headers: { accept: "application/json" } });
  if (!answer.ok) throw new Error(`${url}: ${answer.status}`);
  return answer.json();
}

function option(value, text) {
  const node = document.createElement("option");
  node.value = value;
  node.textContent = text;
  return node;
}

async function loadChoices() {
  try {
    const found = await getJSON("/v1/areas");
    areas = found.kecamatan || [];
    for (const k of areas) $("kecamatan").append(option(k.name, k.name));
  } catch {
    // Without the list the citizen can still write the address.
  }
  try {
    const found = await getJSON(`/v1/categories?lang=${lang}`);
    for (const c of found.categories || []) $("kategori").append(option(c.id, c.name));
  } catch {
    // "Let the system choose" stays.
  }
}

function fillKelurahan() {
  const select = $("kelurahan");
  const chosen = areas.find((k) => k.name === $("kecamatan").value);
  select.replaceChildren(option("", chosen ? (lang === "en" ? EN.choose : "Pilih…") : (lang === "en" ? EN.choose_kecamatan_first : "Pilih kecamatan dulu")));
  for (const kel of chosen ? chosen.kelurahan : []) select.append(option(kel.name, kel.name));
  select.disabled = !chosen;
}

function locate() {
  const status = $("lokasi-status");
  if (!navigator.geolocation) {
    status.textContent = say.no_location;
    return;
  }
  status.textContent = say.locating;
  navigator.geolocation.getCurrentPosition(
    (where) => {
      coordinates = { lat: Number(where.coords.latitude.toFixed(6)), lon: Number(where.coords.longitude.toFixed(6)) };
      status.textContent = say.located.replace("{lat}", coordinates.lat).replace("{lon}", coordinates.lon);
    },
    () => { status.textContent = say.no_location; },
    { timeout: 10000, maximumAge: 60000 },
  );
}

function clearErrors() {
  for (const node of document.querySelectorAll("#lapor .error")) {
    node.hidden = true;
    node.textContent = "";
  }
  for (const node of document.querySelectorAll("#lapor [aria-invalid]")) node.removeAttribute("aria-invalid");
}

function showError(inputId, message) {
  const input = $(inputId);
  const slot = $(`${inputId}-salah`);
  if (!input || !slot) return;
  slot.textContent = slot.textContent ? `${slot.textContent} ${message}` : message;
  slot.hidden = false;
  input.setAttribute("aria-invalid", "true");
}

function value(id) {
  return $(id).value.trim();
}

// The same rules as the API (so most mistakes are caught before sending); null when fine.
export function problems(form) {
  const found = [];
  if (form.title.length < 3) found.push(["judul", say.title]);
  if (form.description.length < 10) found.push(["isi-laporan", say.description]);
  if (form.reporter.phone && !PHONE.test(form.reporter.phone)) found.push(["hp", say.phone]);
  if (form.reporter.email && !EMAIL.test(form.reporter.email)) found.push(["email", say.email]);
  const personal = form.reporter.name || form.reporter.phone || form.reporter.email;
  if (personal && !$("setuju").checked) found.push(["setuju", say.consent]);
  const photos = [...$("foto").files];
  if (photos.length > LIMITS.photos) found.push(["foto", say.photos_many]);
  if (photos.some((p) => !LIMITS.photoTypes.includes(p.type))) found.push(["foto", say.photos_type]);
  if (photos.some((p) => p.size > LIMITS.photoBytes)) found.push(["foto", say.photos_size]);
  return found;
}

function collect() {
  const reporter = {};
  for (const [key, id] of [["name", "nama"], ["phone", "hp"], ["email", "email"]]) if (value(id)) reporter[key] = value(id);
  const where = {};
  for (const [key, id] of [["kecamatan", "kecamatan"], ["kelurahan", "kelurahan"], ["address", "alamat"]]) if (value(id)) where[key] = value(id);
  if (coordinates) Object.assign(where, coordinates);
  const form = {
    title: value("judul"), description: value("isi-laporan"), type: $("jenis").value,
    location: where, reporter, anonymous: $("anonim").checked, confidential: $("rahasia").checked, language: lang,
    website: $("situs").value,
  };
  if ($("kategori").value) form.category = $("kategori").value;
  return form;
}

async function upload(files) {
  if (!files.length) return [];
  const asked = await fetch("/v1/uploads", {
    method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ photos: files.map((f) => ({ content_type: f.type, size: f.size })) }),
  });
  const answer = await asked.json();
  if (!asked.ok) throw Object.assign(new Error("uploads refused"), { answer, status: asked.status });
  const keys = [];
  for (const [i, slot] of answer.uploads.entries()) {
    const body = new FormData();
    for (const [name, v] of Object.entries(slot.fields)) body.append(name, v);
    body.append("file", files[i]);
    const sent = await fetch(slot.url, { method: "POST", body });
    if (!sent.ok) throw Object.assign(new Error("upload failed"), { status: sent.status, answer: { error: { code: "upload_failed", message: say.photos_size } } });
    keys.push(slot.key);
  }
  return keys;
}

function showApiErrors(answer) {
  const error = (answer && answer.error) || {};
  const fields = (error.details && error.details.fields) || [];
  let placed = 0;
  for (const { field, problem } of fields) {
    const id = FIELDS[field] || FIELDS[field.split(".").slice(0, 2).join(".")] || FIELDS[field.split(".")[0]];
    if (id) {
      showError(id, (say.fields && say.fields[id]) || problem);
      placed += 1;
    }
  }
  const summary = $("ringkasan");
  summary.textContent = placed ? say.summary : error.message || say.failed;
  summary.hidden = false;
  summary.focus();
}

function showReceipt(answer) {
  $("formulir").hidden = true;
  const receipt = $("tanda-terima");
  receipt.hidden = false;
  $("nomor-terima").textContent = answer.tracking_id;
  const link = answer.tracking_url;
  const anchor = $("tautan-pribadi");
  anchor.href = link;
  anchor.textContent = link;
  $("buka-lacak").href = link;
  receipt.focus();
}

async function submit(event) {
  event.preventDefault();
  clearErrors();
  const form = collect();
  const found = problems(form);
  const status = $("kirim-status");
  if (found.length) {
    for (const [id, message] of found) showError(id, message);
    const summary = $("ringkasan");
    summary.textContent = say.summary;
    summary.hidden = false;
    $(found[0][0]).focus();
    return;
  }
  const button = $("kirim");
  button.disabled = true;
  try {
    const files = [...$("foto").files];
    if (files.length) status.textContent = say.uploading;
    const photos = await upload(files);
    if (photos.length) form.photos = photos;
    status.textContent = say.sending;
    const sent = await fetch(`/v1/complaints?lang=${lang}`, {
      method: "POST",
      headers: { "content-type": "application/json", "idempotency-key": crypto.randomUUID() },
      body: JSON.stringify(form),
    });
    const answer = await sent.json();
    status.textContent = "";
    if (!sent.ok) {
      showApiErrors(answer);
      return;
    }
    showReceipt(answer);
  } catch (failure) {
    status.textContent = "";
    if (failure.answer) showApiErrors(failure.answer);
    else showApiErrors({ error: { message: say.failed } });
  } finally {
    button.disabled = false;
  }
}

translate();
loadChoices();
$("kecamatan").addEventListener("change", fillKelurahan);
$("lokasi-saya").addEventListener("click", locate);
$("lapor").addEventListener("submit", submit);
$("cetak").addEventListener("click", () => window.print());
