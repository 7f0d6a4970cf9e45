public import SeleksiCore

/// Nilai ambang batas: a candidate passes when their scores meet every threshold the
/// rule set lists for their formation type.
public enum PassingGrade {
    public static func decide(subtests: [SubtestScore], formationType: FormationType, ruleSet: RuleSet) -> PassDecision {
        guard let grades = ruleSet.passingGrades else { return .noPassingGrade }
        // RuleSetLoader refuses a rule set whose passing grades leave out a formation type.
        let thresholds = grades[formationType] ?? []
        let total = subtests.reduce(0) { $0 + $1.score }
        var misses: [ThresholdMiss] = []
        for threshold in thresholds {
            let actual = threshold.subtest.map { code in subtests.first { $0.subtest == code }?.score ?? 0 } ?? total
            if actual < threshold.minimum {
                misses.append(ThresholdMiss(subtest: threshold.subtest, required: threshold.minimum, actual: actual))
            }
        }
        return misses.isEmpty ? .passed : .failed(misses)
    }
}

extension PassingGrade {
    /// The same rule as `decide`, prepared once for scoring very many candidates (the SKD
    /// ranking of a whole round): each threshold names its subtest by its position in the
    /// rule set's order, and a candidate's scores come as an array in that order.
    public struct Gate: Sendable {
        enum Measure: Sendable {
            case total
            case subtest(Int)
            /// A subtest the rule set does not score: counts as 0, as in `decide`.
            case missing
        }

        let thresholds: [FormationType: [(measure: Measure, minimum: Int)]]

        /// Nil when the rule set has no passing grade.
        public init?(_ ruleSet: RuleSet) {
            guard let grades = ruleSet.passingGrades else { return nil }
            let codes = ruleSet.subtests.map(\.code)
            thresholds = grades.mapValues { list in
                list.map { threshold in
                    let measure: Measure = threshold.subtest.map { code in codes.firstIndex(of: code).map(Measure.subtest) ?? .missing } ?? .total
                    return (measure, threshold.minimum)
                }
            }
        }

        /// Whether scores (in the rule set's subtest order) with their total pass for `formationType`.
        public func passes(_ scores: [Int], total: Int, formationType: FormationType) -> Bool {
            for threshold in thresholds[formationType] ?? [] {
                let actual =
                    switch threshold.measure {
                    case .total: total
                    case .subtest(let index): scores[index]
                    case .missing: 0
                    }
                if actual < threshold.minimum { return false }
            }
            return true
        }
    }
}
