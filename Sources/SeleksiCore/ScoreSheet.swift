/// The score of one subtest of one paper.
public struct SubtestScore: Sendable, Hashable, Codable {
    public let subtest: String
    public let score: Int
    public let maximum: Int
    /// Items answered (a blank item scores 0).
    public let answered: Int
    public let items: Int

    public init(subtest: String, score: Int, maximum: Int, answered: Int, items: Int) {
        self.subtest = subtest
        self.score = score
        self.maximum = maximum
        self.answered = answered
        self.items = items
    }
}

/// One threshold of a passing grade that a score did not reach.
public struct ThresholdMiss: Sendable, Hashable, Codable, CustomStringConvertible {
    /// A subtest code, or `nil` for the total.
    public let subtest: String?
    public let required: Int
    public let actual: Int

    public init(subtest: String?, required: Int, actual: Int) {
        self.subtest = subtest
        self.required = required
        self.actual = actual
    }

    public var shortBy: Int { required - actual }

    /// "TKP 150 < 166 (kurang 16)"
    public var description: String {
        "\(subtest ?? "Total") \(actual) < \(required) (kurang \(shortBy))"
    }
}

/// Whether a score sheet meets the passing grade of the candidate's formation type.
public enum PassDecision: Sendable, Hashable, Codable {
    /// Every threshold met (Memenuhi Nilai Ambang Batas).
    case passed
    /// At least one threshold missed; every miss is listed.
    case failed([ThresholdMiss])
    /// The rule set has no passing grade (an SKB CAT: ranking only).
    case noPassingGrade

    public var passed: Bool { if case .passed = self { true } else { false } }
}

/// The score of a whole paper, as the candidate sees it at the end of a CAT session.
public struct ScoreSheet: Sendable, Hashable, Codable {
    public let subtests: [SubtestScore]
    public let formationType: FormationType
    public let decision: PassDecision

    public init(subtests: [SubtestScore], formationType: FormationType, decision: PassDecision) {
        self.subtests = subtests
        self.formationType = formationType
        self.decision = decision
    }

    public var total: Int { subtests.reduce(0) { $0 + $1.score } }
    public var maximum: Int { subtests.reduce(0) { $0 + $1.maximum } }

    public func score(of subtest: String) -> Int? {
        subtests.first { $0.subtest == subtest }?.score
    }
}
