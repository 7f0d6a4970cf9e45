import SeleksiCore

/// The score screen's figures: per subtest, total, and pass/fail with the reasons.
struct ScoreSheetView: Encodable, Sendable {
    struct Line: Encodable, Sendable {
        let subtest: String
        let score: Int
        let maximum: Int
    }

    let subtests: [Line]
    let total: Int
    let maximum: Int
    /// "lulus", "tidak-lulus" or "tanpa-ambang-batas".
    let decision: String
    let reasons: [String]

    init(_ sheet: ScoreSheet) {
        subtests = sheet.subtests.map { Line(subtest: $0.subtest, score: $0.score, maximum: $0.maximum) }
        total = sheet.total
        maximum = sheet.maximum
        switch sheet.decision {
        case .passed:
            decision = "lulus"
            reasons = []
        case .failed(let misses):
            decision = "tidak-lulus"
            reasons = misses.map(\.description)
        case .noPassingGrade:
            decision = "tanpa-ambang-batas"
            reasons = []
        }
    }
}
