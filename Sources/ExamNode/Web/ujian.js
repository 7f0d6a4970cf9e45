// The candidate's exam page. The server owns the time and the answers: this page only
// shows them and sends each answer, in order, until the server says it is saved.
"use strict";

const $ = (id) => document.getElementById(id);
const store = window.localStorage;

// Exam PCs are shared by a morning and an afternoon session: everything this page keeps
// on the device is keyed by its owner (session and participant number), each queued write
// names the owner it was made for, and another candidate's login clears the rest.
let token = sessionStorage.getItem("token");
let owner = sessionStorage.getItem("owner");   // "session/participant" of the token
let paper = null;
let current = 0;
let saved = {};        // item id -> option id the server has confirmed
let doubtful = {};     // item id -> bool the server has confirmed
let queue = owner ? loadQueue(owner) : [];     // this owner's writes not yet confirmed, in order
let secondsLeft = 0;
let paused = false;
let finished = false;
let sending = false;

function deviceId() {
  let id = store.getItem("device");
  if (!id) {
    id = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
    store.setItem("device", id);
  }
  return id;
}

function loadQueue(who) {
  const kept = JSON.parse(store.getItem("queue:" + who) || "[]");
  return kept.filter((write) => write.owner === who);
}

function saveQueue() {
  if (owner) store.setItem("queue:" + owner, JSON.stringify(queue));
}

// Removes what the device keeps for anyone but `keep` (or for everyone).
function forgetOthers(keep) {
  const keys = [];
  for (let i = 0; i < store.length; i++) keys.push(store.key(i));
  for (const key of keys) {
    const kept = key.startsWith("queue:") || key.startsWith("sequence:") || key === "queue" || key === "sequence";
    if (kept && key !== "queue:" + keep && key !== "sequence:" + keep) store.removeItem(key);
  }
}

function nextSequence() {
  const next = Number(store.getItem("sequence:" + owner) || "0") + 1;
  store.setItem("sequence:" + owner, String(next));
  return next;
}

async function api(method, path, body) {
  const headers = { "Content-Type": "application/json" };
  if (token) {
    headers.Authorization = "Bearer " + token;
    headers["X-Seleksi-Device"] = deviceId();
  }
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new Error((data.error && data.error.message) || "Permintaan gagal.");
    error.status = response.status;
    error.code = data.error && data.error.code;
    throw error;
  }
  return data;
}

// MARK: - Login

$("login-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  $("login-error").textContent = "";
  try {
    const login = await api("POST", "/api/exam/login", {
      participantNumber: form.get("participantNumber").trim(), pin: form.get("pin").trim(),
      accessCode: form.get("accessCode"), device: deviceId(),
    });
    token = login.token;
    owner = login.sessionID + "/" + login.participantNumber;
    sessionStorage.setItem("token", token);
    sessionStorage.setItem("owner", owner);
    forgetOthers(owner);
    queue = loadQueue(owner);
    await start();
  } catch (error) {
    $("login-error").textContent = error.message;
  }
});

async function start() {
  try {
    paper = await api("GET", "/api/exam/paper");
  } catch (error) {
    if (error.code === "invalid-token") { signOut(); return; }
    $("login-error").textContent = error.message;
    return;
  }
  await loadImages();
  $("who").textContent = paper.participantNumber + " · " + paper.name;
  $("login-view").hidden = true;
  $("exam-view").hidden = false;
  // The pulse before the state: a change after this refresh is then seen as a change.
  lastPulse = await api("GET", "/api/exam/pulse").then((reply) => reply.pulse, () => null);
  await refresh();
  const last = Number(store.getItem("sequence:" + owner) || "0");
  if (last < lastSequence) store.setItem("sequence:" + owner, String(lastSequence));
  show(Number(sessionStorage.getItem("current:" + owner) || "0"));
  flush();
  stopTimers();
  timers.push(setInterval(tick, 1000), setInterval(refresh, 15000), setInterval(pulse, 3000));
}

// The session's pulse, every 3 seconds: when the proctor pauses, resumes, adds time or
// closes, the page fetches its state at once instead of at the next 15-second refresh.
let lastPulse = null;
async function pulse() {
  try {
    const reply = await api("GET", "/api/exam/pulse");
    if (lastPulse !== null && reply.pulse !== lastPulse) refresh();
    lastPulse = reply.pulse;
  } catch (error) {
    // The refresh and the save queue say what a lost link means; nothing more here.
  }
}

// One clock and one refresh, whoever signs in next on this PC.
const timers = [];
function stopTimers() { while (timers.length) clearInterval(timers.pop()); }

// MARK: - Figures

// Every figure of the paper, fetched once with the paper (with the token: a figure is the
// candidate's only), kept as object URLs; the browser's cache keeps the bytes.
const images = {};

async function loadImages() {
  const wanted = new Set();
  for (const item of paper.items) for (const digest of item.images || []) if (!images[digest]) wanted.add(digest);
  if (wanted.size === 0) return;
  // All at once first (one request for the room's first screen), then any still missing one by one.
  try {
    const all = await api("GET", "/api/exam/images");
    for (const [digest, figure] of Object.entries(all.images || {})) {
      if (images[digest]) continue;
      const bytes = Uint8Array.from(atob(figure.data), (c) => c.charCodeAt(0));
      images[digest] = URL.createObjectURL(new Blob([bytes], { type: figure.type }));
      wanted.delete(digest);
    }
  } catch (error) {
    // One by one below.
  }
  await Promise.all(
    [...wanted].map(async (digest) => {
      if (images[digest]) return;
      try {
        const response = await fetch("/api/exam/images/" + digest, {
          headers: { Authorization: "Bearer " + token, "X-Seleksi-Device": deviceId() },
        });
        if (response.ok) images[digest] = URL.createObjectURL(await response.blob());
      } catch (error) {
        // Shown as its alt text until the next render finds it.
      }
    })
  );
}

// A rich item's text is the node's own markup, written out from checked parts (no
// script, no attribute but an image's address and alt text): shown as such, its
// figures from the fetched ones.
function fill(element, text, markup) {
  element.classList.toggle("markup", Boolean(markup));
  if (!markup) {
    element.textContent = text;
    return;
  }
  element.innerHTML = text;
  showFigures(element);
}

// Figures fetched since the item was shown (a failed fetch is tried again at each refresh).
function showFigures(root) {
  root.querySelectorAll("img[data-gambar]").forEach((image) => {
    const url = images[image.dataset.gambar];
    if (url && image.getAttribute("src") !== url) image.src = url;
  });
}

// MARK: - Server state

let lastSequence = 0;

async function refresh() {
  try {
    const state = await api("GET", "/api/exam/state");
    secondsLeft = state.secondsLeft;
    paused = state.paused;
    lastSequence = state.lastSequence;
    saved = {};
    doubtful = {};
    for (const entry of state.grid) {
      if (entry.option) saved[entry.item] = entry.option;
      doubtful[entry.item] = entry.doubtful;
    }
    if (state.finished && state.score) return showScore(state.score);
    if (paper && paper.items.some((item) => (item.images || []).some((digest) => !images[digest]))) await loadImages();
    render();
  } catch (error) {
    status("Koneksi terputus. Jawaban yang belum tersimpan disimpan di perangkat ini dan dikirim ulang.", true);
  }
}

// Time left is read out at sensible moments (not every second): on the hour and half
// hour, at 15, 10 and 5 minutes and each of the last ones, and when a pause starts or ends.
let announcedPause = false;
const announced = new Set();
const marks = [120, 90, 60, 30, 15, 10, 5, 4, 3, 2, 1];

function tick() {
  if (finished) return;
  if (!paused && secondsLeft > 0) secondsLeft -= 1;
  const minutes = Math.floor(secondsLeft / 60), seconds = secondsLeft % 60;
  $("clock").textContent = paused ? "Dihentikan sementara" : "Sisa " + minutes + ":" + String(seconds).padStart(2, "0");
  if (paused !== announcedPause) {
    announcedPause = paused;
    announce(paused ? "Ujian dihentikan sementara oleh pengawas. Waktu Anda tidak berjalan." : "Ujian dilanjutkan. Sisa waktu " + minutes + " menit.");
  } else if (!paused) {
    // Each mark once, when time left reaches it (the refresh may move the clock by a second or two).
    const mark = marks.find((minute) => secondsLeft <= minute * 60 && secondsLeft > minute * 60 - 60 && !announced.has(minute));
    if (mark !== undefined) {
      for (const minute of marks) if (minute >= mark) announced.add(minute);
      announce("Sisa waktu " + mark + " menit.");
    }
  }
  if (secondsLeft === 0 && !paused) refresh();
}

function announce(text) { $("announce").textContent = text; }

// MARK: - Answers: a queue sent in order until each is confirmed

function signOut() {
  sessionStorage.removeItem("token");
  sessionStorage.removeItem("owner");
  token = null;
  owner = null;
  queue = [];
  // Nothing of this paper is shown to, or kept for, whoever signs in next.
  stopTimers();
  paper = null;
  renderedItem = null;
  announcedPause = false;
  lastPulse = null;
  announced.clear();
  for (const digest of Object.keys(images)) {
    URL.revokeObjectURL(images[digest]);
    delete images[digest];
  }
}

function enqueue(write) {
  write.owner = owner;
  queue.push(write);
  saveQueue();
  render();
  flush();
}

async function flush() {
  if (sending) return;
  sending = true;
  let delay = 1000;
  while (queue.length > 0) {
    const write = queue[0];
    if (write.owner !== owner) {
      // Made for another candidate's token: never sent under this one.
      queue.shift();
      saveQueue();
      continue;
    }
    try {
      if (write.kind === "answer") {
        await api("PUT", "/api/exam/answers/" + encodeURIComponent(write.item), { option: write.option, sequence: write.sequence });
      } else {
        await api("PUT", "/api/exam/doubtful/" + encodeURIComponent(write.item), { doubtful: write.doubtful, sequence: write.sequence });
      }
      // Another candidate signed in while it was in flight: their queue is not this one.
      if (queue[0] !== write) continue;
      // Confirmed: it is what the server holds now (a newer write would still be queued).
      if (write.kind === "answer") {
        if (write.option) saved[write.item] = write.option; else delete saved[write.item];
      } else {
        doubtful[write.item] = write.doubtful;
      }
      queue.shift();
      saveQueue();
      delay = 1000;
      status(queue.length ? queue.length + " jawaban sedang dikirim…" : "Semua jawaban tersimpan di server.", false);
    } catch (error) {
      if (queue[0] !== write) continue;
      if (error.code === "invalid-token" || error.code === "device-in-use") {
        // This sign-in ended (a second login, a device reset): the writes stay on the
        // device, kept for this candidate, and go out after they sign in again.
        sending = false;
        signOut();
        $("exam-view").hidden = true;
        $("login-view").hidden = false;
        $("login-error").textContent = "Sesi masuk berakhir. Masuk kembali; jawaban yang belum terkirim tetap tersimpan di perangkat ini.";
        return;
      }
      if (error.status && error.status < 500 && error.code !== "session-paused") {
        // Refused for good (time up, finished): drop it and say so.
        queue.shift();
        saveQueue();
        status(error.message, true);
        await refresh();
      } else if (error.code === "session-paused") {
        // A pause is a pause, not a failure: the answer goes out when the session resumes.
        paused = true;
        status("Ujian dihentikan sementara oleh pengawas. Jawaban Anda disimpan di perangkat ini dan dikirim saat ujian dilanjutkan.", false);
        tick();
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(delay * 2, 15000);
        await refresh();
      } else {
        status(queue.length + " jawaban BELUM tersimpan. Mencoba lagi…", true);
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(delay * 2, 15000);
      }
    }
    render();
  }
  sending = false;
}

function status(text, warn) {
  $("status").textContent = text;
  $("status").className = warn ? "warn" : "ok";
}

// What the candidate sees for an item: the newest write, saved or still queued.
function shownOption(id) {
  for (let i = queue.length - 1; i >= 0; i--) if (queue[i].item === id && queue[i].kind === "answer") return queue[i].option;
  return saved[id] || null;
}

function shownDoubt(id) {
  for (let i = queue.length - 1; i >= 0; i--) if (queue[i].item === id && queue[i].kind === "doubt") return queue[i].doubtful;
  return !!doubtful[id];
}

function unsaved(id) { return queue.some((write) => write.item === id); }

// MARK: - Rendering

function show(index) {
  current = Math.max(0, Math.min(paper.items.length - 1, index));
  // Where the candidate is survives a reload (this tab only).
  if (owner) sessionStorage.setItem("current:" + owner, String(current));
  render();
}

// The item shown, built once per item: re-rendering in place (a saved answer, the
// 15-second refresh) never takes focus away from where the candidate is.
let renderedItem = null;

function render() {
  if (!paper) return;
  const item = paper.items[current];
  const letters = "ABCDEFGH";
  const options = $("item-options");
  if (renderedItem !== item.id) {
    renderedItem = item.id;
    $("item-title").textContent = "Soal " + item.number + " dari " + paper.items.length + " · " + item.subtest;
    showPassage(item);
    fill($("item-stem"), item.stem, item.markup);
    options.querySelectorAll("label").forEach((label) => label.remove());
    item.options.forEach((option, position) => {
      const label = document.createElement("label");
      const input = document.createElement("input");
      input.type = "radio";
      input.name = "option";
      input.value = option.id;
      input.addEventListener("change", () => enqueue({ kind: "answer", item: item.id, option: option.id, sequence: nextSequence() }));
      const text = document.createElement("span");
      fill(text, option.text, item.markup);
      label.append(input, letters[position] + ". ", text);
      options.append(label);
    });
  }
  options.querySelectorAll("input[type=radio]").forEach((input) => { input.checked = shownOption(item.id) === input.value; });
  showFigures($("item"));
  $("item-doubt").checked = shownDoubt(item.id);
  // Marked, not disabled: a disabled button would drop the focus the candidate has on it.
  $("prev").setAttribute("aria-disabled", String(current === 0));
  $("next").setAttribute("aria-disabled", String(current === paper.items.length - 1));
  renderGrid();
}

// A passage several items share stands above the stem of each, titled with the
// numbers of the items that use it (read first by a screen reader, once per item).
function showPassage(item) {
  const section = $("item-passage");
  const passage = item.passage && paper.passages && Object.hasOwn(paper.passages, item.passage) ? paper.passages[item.passage] : null;
  section.hidden = !passage;
  if (!passage) return;
  const numbers = paper.items.filter((other) => other.passage === item.passage).map((other) => other.number);
  $("passage-title").textContent = numbers.length > 1 ? "Bacaan untuk soal " + numbers.join(", ") : "Bacaan untuk soal ini";
  fill($("passage-text"), passage.text, passage.markup);
}

// The item numbers: a list of buttons, built once, each saying its state in words.
function renderGrid() {
  const grid = $("grid");
  if (grid.children.length !== paper.items.length) {
    grid.textContent = "";
    paper.items.forEach((entry, index) => {
      const row = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "cell";
      button.textContent = entry.number;
      button.addEventListener("click", () => show(index));
      row.append(button);
      grid.append(row);
    });
  }
  paper.items.forEach((entry, index) => {
    const button = grid.children[index].firstChild;
    const answered = Boolean(shownOption(entry.id)), doubt = shownDoubt(entry.id), pending = unsaved(entry.id);
    button.className = "cell" + (answered ? " answered" : "") + (doubt ? " doubtful" : "") + (pending ? " unsaved" : "")
      + (index === current ? " current" : "");
    const words = [answered ? "dijawab" : "kosong"];
    if (doubt) words.push("ragu-ragu");
    if (pending) words.push("belum tersimpan");
    button.setAttribute("aria-label", "Soal " + entry.number + ": " + words.join(", "));
    if (index === current) button.setAttribute("aria-current", "true"); else button.removeAttribute("aria-current");
  });
}

$("prev").addEventListener("click", () => show(current - 1));
$("next").addEventListener("click", () => show(current + 1));
$("item-doubt").addEventListener("change", (event) => {
  enqueue({ kind: "doubt", item: paper.items[current].id, doubtful: event.target.checked, sequence: nextSequence() });
});

$("finish").addEventListener("click", async () => {
  if (queue.length > 0) return status("Tunggu sampai semua jawaban tersimpan sebelum menyelesaikan ujian.", true);
  const blank = paper.items.filter((item) => !saved[item.id]).length;
  if (!confirm("Selesaikan ujian sekarang?" + (blank ? " Masih ada " + blank + " soal kosong." : "") + " Jawaban tidak dapat diubah lagi.")) return;
  try {
    const result = await api("POST", "/api/exam/finish");
    showScore(result.score);
  } catch (error) {
    status(error.message, true);
    refresh();
  }
});

function showScore(score) {
  finished = true;
  stopTimers();
  // The attempt is over: nothing of it stays on the device for the next candidate.
  if (owner) {
    store.removeItem("queue:" + owner);
    store.removeItem("sequence:" + owner);
  }
  signOut();
  $("exam-view").hidden = true;
  $("login-view").hidden = true;
  $("score-view").hidden = false;
  // Focus moves to the result (the view the candidate was in is gone).
  const heading = $("score-view").querySelector("h1");
  heading.tabIndex = -1;
  heading.focus();
  $("clock").textContent = "";
  const body = $("score-table").querySelector("tbody");
  body.textContent = "";
  for (const line of score.subtests) {
    const row = document.createElement("tr");
    for (const value of [line.subtest, line.score, line.maximum]) {
      const cell = document.createElement("td");
      cell.textContent = value;
      row.append(cell);
    }
    body.append(row);
  }
  $("score-total").textContent = "Total: " + score.total + " dari " + score.maximum;
  const decision = { "lulus": "Memenuhi nilai ambang batas.", "tidak-lulus": "Belum memenuhi nilai ambang batas: ", "tanpa-ambang-batas": "Tanpa nilai ambang batas." };
  $("score-decision").textContent = (decision[score.decision] || "") + (score.reasons || []).join("; ");
}

window.addEventListener("online", flush);
if (token) start();
