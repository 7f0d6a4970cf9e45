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
