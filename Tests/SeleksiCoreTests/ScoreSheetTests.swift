import SeleksiCore
import Testing

@Suite("Score sheet")
struct ScoreSheetTests {
    @Test("formation type codes are the ones rule sets use")
    func formationCodes() {
        #expect(FormationType.allCases.map(\.rawValue) == ["general", "cumlaude", "disability", "papua", "kalimantan", "diaspora"])
        #expect(FormationType.disability.displayName == "Penyandang Disabilitas")
    }

    @Test("total and maximum add the subtests; a miss says by how much")
    func totals() {
        let sheet = ScoreSheet(
            subtests: [
                SubtestScore(subtest: "TWK", score: 70, maximum: 150, answered: 30, items: 30),
                SubtestScore(subtest: "TKP", score: 150, maximum: 225, answered: 44, items: 45),
            ],
            formationType: .general,
            decision: .failed([ThresholdMiss(subtest: "TKP", required: 166, actual: 150)])
        )
        #expect(sheet.total == 220)
        #expect(sheet.maximum == 375)
        #expect(sheet.score(of: "TKP") == 150)
        #expect(!sheet.decision.passed)
        #expect(ThresholdMiss(subtest: "TKP", required: 166, actual: 150).description == "TKP 150 < 166 (kurang 16)")
        #expect(ThresholdMiss(subtest: nil, required: 311, actual: 300).description == "Total 300 < 311 (kurang 11)")
    }
}
