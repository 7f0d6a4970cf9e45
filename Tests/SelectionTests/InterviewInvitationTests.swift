import Foundation
import SeleksiCore
import Testing

@testable import Selection

@Suite("Interview invitations as iCalendar files (RFC 5545)")
struct InterviewInvitationTests {
    static func invitation(
        _ method: InterviewInvitation.Method = .request,
        sequence: Int = 0,
        zone: IndonesianTimeZone = .wita,
        description: String = "Bawa kartu ujian, KTP asli; datang 15 menit sebelumnya."
    ) -> InterviewInvitation {
        let start = zone.instant(localDay: 2027, 1, 18, hour: 8, minute: 40)
        return InterviewInvitation(
            method: method,
            uid: "wawancara-cpns-2026-24110120001@seleksi.contoh.go.id",
            sequence: sequence,
            stamp: IndonesianTimeZone.wib.instant(localDay: 2027, 1, 10, hour: 9, minute: 5),
            slot: InterviewSlot(panelID: "P1", start: start, end: start + 30 * 60_000),
            zone: zone,
            summary: "Wawancara SKB CPNS 2026, Panel 1",
            location: "Aula BKD Kota Kupang; Jl. El Tari No. 2",
            link: nil,
            description: description,
            organizer: .init(name: "Panitia Seleksi Kota Kupang", email: "panitia@kupangkota.go.id"),
            attendee: .init(name: "Maria \"Ina\" Ndolu", email: "maria@contoh.id")
        )
    }

    @Test("lines end in CRLF and fold at 75 octets without splitting a character; text is escaped; times are local with the zone's TZID")
    func format() {
        let long = String(repeating: "Peserta wajib hadir — tepat waktu, ", count: 6) + "\nTerima kasih."
        let ics = Self.invitation(description: long).ics
        #expect(ics.hasSuffix("\r\n") && !ics.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        let lines = ics.components(separatedBy: "\r\n").dropLast()
        #expect(lines.allSatisfy { $0.utf8.count <= 75 }, "a line longer than 75 octets")
        let unfolded = ics.replacingOccurrences(of: "\r\n ", with: "")
        #expect(unfolded.contains("DESCRIPTION:" + long.replacingOccurrences(of: ",", with: "\\,").replacingOccurrences(of: "\n", with: "\\n")))
        #expect(unfolded.contains("LOCATION:Aula BKD Kota Kupang\\; Jl. El Tari No. 2"))
        #expect(unfolded.contains("DTSTART;TZID=Asia/Makassar:20270118T084000\r\n") && unfolded.contains("DTEND;TZID=Asia/Makassar:20270118T091000\r\n"))
        #expect(unfolded.contains("DTSTAMP:20270110T020500Z") && unfolded.contains("TZOFFSETTO:+0800"))
        #expect(unfolded.contains("ATTENDEE;CN=\"Maria Ina Ndolu\";"))
        #expect(unfolded.contains("METHOD:REQUEST") && unfolded.contains("STATUS:CONFIRMED") && unfolded.contains("SEQUENCE:0"))
        let cancel = Self.invitation(.cancel, sequence: 2).ics
        #expect(cancel.contains("METHOD:CANCEL") && cancel.contains("STATUS:CANCELLED") && cancel.contains("SEQUENCE:2"))
        #expect(Self.invitation(zone: .wit).ics.contains("DTSTART;TZID=Asia/Jayapura:20270118T084000"))
        #expect(Self.invitation(zone: .wib).ics.contains("TZOFFSETFROM:+0700"))
    }
}
