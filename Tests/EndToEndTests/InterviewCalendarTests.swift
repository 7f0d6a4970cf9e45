import Foundation
import Selection
import SeleksiCore
import Testing

/// The invitations through a real iCalendar parser: Python's `icalendar` (PyPI), which
/// .ci/run installs; skipped locally, with the reason printed, where it is missing.
@Suite("Interview invitations read by a real iCalendar parser")
struct InterviewCalendarTests {
    static let script = """
        import json, sys, icalendar
        out = []
        for path in sys.argv[1:]:
            cal = icalendar.Calendar.from_ical(open(path, "rb").read())
            event = next(iter(cal.walk("VEVENT")))
            start, end = event.decoded("DTSTART"), event.decoded("DTEND")
            out.append({
                "method": str(cal["METHOD"]), "uid": str(event["UID"]), "sequence": int(event["SEQUENCE"]),
                "status": str(event["STATUS"]), "local": start.isoformat(), "start": int(start.timestamp()),
                "end": int(end.timestamp()), "zones": [str(z["TZID"]) for z in cal.walk("VTIMEZONE")],
                "location": str(event["LOCATION"]), "description": str(event["DESCRIPTION"]),
                "attendee": str(event["ATTENDEE"]), "cn": str(event["ATTENDEE"].params["CN"]),
            })
        print(json.dumps(out))
        """

    @Test("each zone's 08.40 is read as that zone's 08.40 and the same instant; UID stays, SEQUENCE rises, CANCEL cancels; escaped text comes back whole")
    func parsed() throws {
        let python = which("python3")
        guard let python else {
            _ = requireTools(["python3": nil])
            return
        }
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: python)
        probe.arguments = ["-c", "import icalendar"]
        probe.standardError = FileHandle.nullDevice
        try probe.run()
        probe.waitUntilExit()
        guard requireTools(["icalendar (python3 -m pip install icalendar)": probe.terminationStatus == 0 ? python : nil]) else { return }

        let folder = NSTemporaryDirectory() + "seleksi-ics-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let description =
            "Bawa kartu ujian, KTP asli; datang 15 menit sebelumnya.\nRuang 2 — lantai 3, " + String(repeating: "ikuti petunjuk panitia. ", count: 5)
        let cases: [(IndonesianTimeZone, InterviewInvitation.Method, Int, String)] = [
            (.wib, .request, 0, "+07:00"), (.wita, .request, 0, "+08:00"), (.wit, .request, 0, "+09:00"), (.wita, .request, 1, "+08:00"),
            (.wita, .cancel, 2, "+08:00"),
        ]
        var files: [String] = []
        var slots: [InterviewSlot] = []
        for (index, (zone, method, sequence, _)) in cases.enumerated() {
            let start = zone.instant(localDay: 2027, 1, 18, hour: 8, minute: 40)
            let slot = InterviewSlot(panelID: "P1", start: start, end: start + 30 * 60_000)
            let invitation = InterviewInvitation(
                method: method,
                uid: "wawancara-cpns-2026-24110120001@seleksi.contoh.go.id",
                sequence: sequence,
                stamp: 1_800_000_000_000,
                slot: slot,
                zone: zone,
                summary: "Wawancara SKB CPNS 2026",
                location: "Aula BKD; Jl. El Tari No. 2, Kupang",
                link: nil,
                description: description,
                organizer: .init(name: "Panitia Seleksi", email: "panitia@contoh.go.id"),
                attendee: .init(name: "Maria Ndolu", email: "maria@contoh.id")
            )
            let file = folder + "/undangan-\(index).ics"
            try Data(invitation.ics.utf8).write(to: URL(fileURLWithPath: file))
            files.append(file)
            slots.append(slot)
        }
        let run = Process()
        run.executableURL = URL(fileURLWithPath: python)
        run.arguments = ["-c", Self.script] + files
        let output = Pipe()
        let errors = Pipe()
        run.standardOutput = output
        run.standardError = errors
        try run.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let failure = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        run.waitUntilExit()
        #expect(run.terminationStatus == 0, "\(failure)")
        let parsed = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        #expect(parsed.count == cases.count)
        for ((zone, method, sequence, offset), (event, slot)) in zip(cases, zip(parsed, slots)) {
            #expect(event["local"] as? String == "2027-01-18T08:40:00" + offset, "\(zone): \(event)")
            #expect(event["start"] as? Int == Int(slot.start / 1000) && event["end"] as? Int == Int(slot.end / 1000))
            #expect(event["zones"] as? [String] == [zone.identifier])
            #expect(event["method"] as? String == method.rawValue && event["sequence"] as? Int == sequence)
            #expect(event["status"] as? String == (method == .cancel ? "CANCELLED" : "CONFIRMED"))
            #expect(event["uid"] as? String == "wawancara-cpns-2026-24110120001@seleksi.contoh.go.id")
            #expect(event["description"] as? String == description && event["location"] as? String == "Aula BKD; Jl. El Tari No. 2, Kupang")
            #expect(event["attendee"] as? String == "mailto:maria@contoh.id" && event["cn"] as? String == "Maria Ndolu")
        }
    }
}
