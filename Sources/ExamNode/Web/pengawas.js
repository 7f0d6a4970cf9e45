// The proctor's page: sessions of this node, their candidates, and the actions the
// server records in the audit log.
"use strict";

const $ = (id) => document.getElementById(id);
let token = sessionStorage.getItem("proctor");
let selected = null;

async function api(method, path, body, raw) {
  const headers = {};
  if (token) headers.Authorization = "Bearer " + token;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, { method, headers, body: raw !== undefined ? raw : body === undefined ? undefined : JSON.stringify(body) });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new Error((data.error && data.error.message) || "Permintaan gagal.");
    error.code = data.error && data.error.code;
    throw error;
  }
  return data;
}

// A message goes next to what it concerns (the session's actions, the package form),
// in view, and says whether it is an error.
function say(text, where, failed) {
  const place = $(where || "message");
  place.textContent = text;
  place.className = failed ? "error" : "ok";
  place.scrollIntoView({ block: "nearest" });
}

// Session states in words.
const states = { created: "belum dibuka", loading: "sedang dimuat", open: "berjalan", closed: "ditutup" };
function stateText(session) {
  if (session.state === "open" && session.paused) return "dihentikan sementara";
  return states[session.state] || session.state;
}

$("login-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  try {
    token = (await api("POST", "/api/proctor/login", { username: form.get("username"), password: form.get("password"), totp: form.get("totp") })).token;
    sessionStorage.setItem("proctor", token);
    $("who").textContent = form.get("username");
    begin();
  } catch (error) {
    $("login-error").textContent = error.message;
  }
});

$("logout").addEventListener("click", async () => {
  try { await api("POST", "/api/proctor/logout"); } catch (error) { /* signed out either way */ }
  sessionStorage.removeItem("proctor");
  location.reload();
});

function begin() {
  $("logout").hidden = false;
  $("login-view").hidden = true;
  $("main-view").hidden = false;
  load();
  setInterval(load, 5000);
}

async function load() {
  try {
    const sessions = await api("GET", "/api/proctor/sessions");
    const body = $("sessions");
    body.textContent = "";
    for (const session of sessions) {
      const row = document.createElement("tr");
      const state = stateText(session);
      for (const value of [session.id, session.venue, session.ruleSet, session.pin, state, session.candidates]) {
        const cell = document.createElement("td");
        cell.textContent = value;
        row.append(cell);
      }
      row.style.cursor = "pointer";
      row.addEventListener("click", () => { selected = session.id; load(); });
      body.append(row);
    }
    if (selected) await loadSession();
  } catch (error) {
    if (error.code === "proctor-unauthorized") { sessionStorage.removeItem("proctor"); location.reload(); }
    say(error.message, "message", true);
  }
}

async function loadSession() {
  const data = await api("GET", "/api/proctor/sessions/" + selected);
  $("session-view").hidden = false;
  $("session-title").textContent = data.session.venue + " · " + data.session.id + " · PIN " + data.session.pin + " · " + stateText(data.session);
  // Only what the session's state allows.
  const { state, paused } = data.session;
  const allowed = { open: state === "created", pause: state === "open" && !paused, resume: state === "open" && paused, close: state === "open" };
  document.querySelectorAll("[data-action]").forEach((button) => { button.disabled = !allowed[button.dataset.action]; });
  $("extend-all").disabled = state !== "open";
  const body = $("candidates");
  body.textContent = "";
  for (const candidate of data.candidates) {
    const row = document.createElement("tr");
    const left = Math.floor(candidate.secondsLeft / 60) + " mnt";
    const score = candidate.total === null || candidate.total === undefined ? "" : candidate.total + (candidate.passed ? " (lulus)" : "");
    for (const value of [candidate.participantNumber, candidate.name, candidate.loggedIn ? "ya" : "belum",
      candidate.answered + "/" + candidate.items, left,
      candidate.absent ? "tidak hadir" : candidate.finished ? "ya" : candidate.problem ? "GAGAL diselesaikan: " + candidate.problem : "", score]) {
      const cell = document.createElement("td");
      cell.textContent = value;
      row.append(cell);
    }
    const actions = document.createElement("td");
    const extend = document.createElement("button");
    extend.textContent = "Tambah waktu";
    extend.disabled = data.session.state !== "open" || candidate.finished || candidate.absent;
    extend.addEventListener("click", () => {
      const minutes = ask();
      if (minutes !== null) act("candidates/" + candidate.participantNumber + "/extend", { minutes });
    });
    const reset = document.createElement("button");
    reset.textContent = "Atur ulang perangkat";
    reset.disabled = data.session.state === "closed" || candidate.finished;
    reset.addEventListener("click", () => {
      if (!confirm("Atur ulang perangkat " + candidate.participantNumber + " (" + candidate.name + ")? Ia harus masuk lagi di perangkat lain; jawabannya tetap tersimpan.")) return;
      act("candidates/" + candidate.participantNumber + "/reset-device");
    });
    actions.append(extend, reset);
    row.append(actions);
    body.append(row);
  }
}

// The minutes to add, or null (cancelled, or not a whole number of minutes: said so).
function ask() {
  const answer = prompt("Tambahan waktu (menit):", "5");
  if (answer === null) return null;
  const minutes = Number(answer.trim());
  if (!Number.isInteger(minutes) || minutes < 1) {
    say("Tulis tambahan waktu sebagai angka menit, misalnya 5.", "session-message", true);
    return null;
  }
  return minutes;
}

async function act(path, body) {
  try {
    await api("POST", "/api/proctor/sessions/" + selected + "/" + path, body);
    say("Tercatat di log audit.", "session-message", false);
    load();
  } catch (error) {
    say(error.message, "session-message", true);
  }
}

document.querySelectorAll("[data-action]").forEach((button) => {
  button.addEventListener("click", () => {
    if (button.dataset.action === "close" && !confirm("Tutup sesi? Semua ujian yang masih berjalan diselesaikan dan dinilai.")) return;
    if (button.dataset.action === "pause" && !confirm("Hentikan sementara sesi ini? Waktu semua peserta berhenti sampai sesi dilanjutkan.")) return;
    act(button.dataset.action);
  });
});
$("extend-all").addEventListener("click", () => {
  const minutes = ask();
  if (minutes !== null) act("extend", { minutes });
});

$("package-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  try {
    const file = new FormData(event.target).get("package");
    const result = await api("POST", "/api/proctor/packages", undefined, await file.text());
    const refused = Object.keys(result.refused || {}).sort().map((id) => result.refused[id].message);
    say("Paket versi " + result.version + " dimuat: " + result.created.length + " sesi baru, " + result.replaced.length + " diganti, " + result.unchanged.length + " tetap" +
      (refused.length ? "; " + refused.length + " sesi tidak dapat diubah: " + refused.join(" ") : "."), "package-message", refused.length > 0);
    load();
  } catch (error) {
    say(error.message, "package-message", true);
  }
});

if (token) begin();
