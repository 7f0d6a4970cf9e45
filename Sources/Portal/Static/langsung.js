// The live page without reloading: each score as an event from /langsung/SESSION/peristiwa.
// The browser resumes after a dropped connection with Last-Event-ID, so nothing is missed.
(function () {
  var table = document.getElementById("nilai");
  if (!table || !window.EventSource) return;
  var body = table.tBodies[0];
  var status = document.getElementById("status");
  var count = body.rows.length;
  var subtests = ["TWK", "TIU", "TKP"];
  var source = new EventSource("/langsung/" + encodeURIComponent(table.dataset.session) + "/peristiwa?setelah=" + encodeURIComponent(table.dataset.last));
  function cell(row, text, label) {
    var td = row.insertCell(-1);
    td.textContent = text;
    if (label) td.setAttribute("data-label", label);
  }
  source.addEventListener("nilai", function (event) {
    var score = JSON.parse(event.data);
    var row = body.insertRow(0);
    cell(row, score.participantNumber, "Nomor");
    cell(row, score.name, "Nama");
    subtests.forEach(function (code) { cell(row, score.scores[code] === undefined ? "–" : String(score.scores[code])); });
    cell(row, String(score.total), "Total");
    cell(row, score.passed === undefined || score.passed === null ? "–" : (score.passed ? "Memenuhi nilai ambang batas" : "Tidak memenuhi"), "Keterangan");
    count += 1;
    status.textContent = count + " peserta selesai.";
  });
  // A score taken down (the candidate was disqualified after finishing).
  source.addEventListener("tarik", function (event) {
    var number = JSON.parse(event.data).participantNumber;
    for (var i = body.rows.length - 1; i >= 0; i--) {
      if (body.rows[i].cells[0].textContent === number) { body.deleteRow(i); count -= 1; }
    }
    status.textContent = count + " peserta selesai.";
  });
  source.onerror = function () { status.textContent = count + " peserta selesai (menyambung ulang…)"; };
})();
