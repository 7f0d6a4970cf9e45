public import SeleksiCore

/// The score screen's figures, as CAT shows them at the end: per subtest, the total,
/// and pass/fail with the reason for a fail.
public struct ScoreView: Codable, Sendable, Hashable {
    public struct Line: Codable, Sendable, Hashable {
        public let subtest: String
        public let score: Int
        public let maximum: Int
        public let answered: Int
    }

    public let subtests: [Line]
    public let total: Int
    public let maximum: Int
    /// "lulus", "tidak-lulus" or "tanpa-ambang-batas".
    public let decision: String
    /// For a fail: each threshold missed and by how much ("TKP 150 < 166 (kurang 16)").
    public let reasons: [String]

    public init(_ sheet: ScoreSheet) {
        subtests = sheet.subtests.map { Line(subtest: $0.subtest, score: $0.score, maximum: $0.maximum, answered: $0.answered) }
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
