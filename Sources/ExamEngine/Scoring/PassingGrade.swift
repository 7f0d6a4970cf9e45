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
