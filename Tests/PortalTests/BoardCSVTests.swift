import Foundation
import Selection
import Testing

@testable import Portal

@Suite("The board's CSV")
struct BoardCSVTests {
    @Test("quoted where needed; a value a spreadsheet would run as a formula is prefixed")
    func fields() {
        #expect(BoardSnapshot.csvField("Ani Lestari") == "Ani Lestari")
        #expect(BoardSnapshot.csvField("Pranata, Ahli") == "\"Pranata, Ahli\"")
        #expect(BoardSnapshot.csvField("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(BoardSnapshot.csvField("=HYPERLINK(\"x\")") == "\"'=HYPERLINK(\"\"x\"\")\"")
        #expect(BoardSnapshot.csvField("+62") == "'+62")
        #expect(BoardSnapshot.csvField("=\u{0301}1+1") == "'=\u{0301}1+1")
    }
}

@Suite("The board's search")
struct BoardSearchTests {
    static func row(_ number: String, _ name: String, formation: String = "F1", agency: String = "a1") -> Announcement.Row {
        Announcement.Row(
            participantNumber: number,
            name: name,
            agencyID: agency,
            agencyName: agency.uppercased(),
            formationID: formation,
            formationName: formation,
            scores: nil,
            total: nil,
            rank: nil,
            code: "TH",
            label: "Tidak hadir"
        )
    }

    @Test("name words by prefix, as typed with titles and commas, in any case and accents; numbers by prefix; filters; a long repeated query costs no more")
    func search() {
        let rows = [
            Self.row("2600000001", "Siti Aminah, S.Pd."), Self.row("2600000002", "Ani Lestari", formation: "F2"),
            Self.row("2700000003", "André Ndolu", formation: "F2", agency: "a2"),
        ]
        let announcement = Announcement(
            periodID: "p",
            stage: "skd",
            version: 1,
            previousDigest: nil,
            publishedAt: 0,
            ruleSetID: "skd-2024",
            sources: [],
            rows: rows
        )
        let board = BoardSnapshot(PublishedAnnouncement(announcement), file: Data())
        func numbers(_ query: String, agency: String? = nil, formation: String? = nil) -> [String] {
            let found = board.search(query, agency: agency, formation: formation)
            return found.page(0, 50, of: rows).map(\.participantNumber)
        }
        #expect(numbers("Siti Aminah, S.Pd.") == ["2600000001"])
        #expect(numbers("s.pd") == ["2600000001"])
        #expect(numbers("LESTAR") == ["2600000002"])
        #expect(numbers("andre") == ["2700000003"])
        #expect(numbers("26") == ["2600000001", "2600000002"])
        #expect(numbers("ani lestari") == ["2600000002"] && numbers("ani siti").isEmpty)
        #expect(numbers("", formation: "F2") == ["2600000002", "2700000003"])
        #expect(numbers("", agency: "a2", formation: "F2") == ["2700000003"])
        #expect(numbers("", agency: "a1") == ["2600000001", "2600000002"])
        #expect(numbers(String(repeating: "a ", count: 50)) == numbers("a"))
        #expect(board.search("", agency: nil, formation: nil).count == 3)
    }
}
