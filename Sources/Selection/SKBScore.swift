public import ExamEngine

/// The SKB of one candidate from its components, by the plan's weights: each component's
/// points as a share of its maximum, weighted, in hundredths of a percent and rounded
/// half up, exactly (no floating point, so two equal results are equal). Absent from any
/// component is TH; disqualified in any is DIS; a component not yet scored is refused.
public enum SKBScore {
    public enum Component: Sendable, Hashable {
        /// Points out of the component's maximum.
        case scored(Int)
        case absent
        case disqualified
    }

    public static func combine(
        _ plan: SKBPlan,
        _ scores: [SKBPlan.ComponentKind: Component],
        participant: String
    ) throws(SKDRankingError) -> FinalCandidate.SKB {
        for kind in scores.keys where plan.component(kind) == nil {
            throw SKDRankingError(message: "peserta \(participant): rencana \(plan.id) tidak punya komponen \(kind.label)")
        }
        var absent = false
        var points: [(SKBPlan.Component, Int)] = []
        for component in plan.components {
            switch scores[component.kind] {
            case nil: throw SKDRankingError(message: "peserta \(participant): nilai \(component.kind.label) belum ada")
            case .disqualified: return .disqualified
            case .absent: absent = true
            case .scored(let value):
                guard (0...component.maximum).contains(value) else {
                    throw SKDRankingError(message: "peserta \(participant): nilai \(component.kind.label) \(value) di luar 0-\(component.maximum)")
                }
                points.append((component, value))
            }
        }
        if absent { return .absent }
        // Σ weight × points / maximum, in hundredths of a percent: over a common denominator.
        // (Maxima whose common multiple does not fit are refused, never a crash.)
        var denominator = 1
        var numerator = 0
        for (component, _) in points {
            let step = denominator / gcd(denominator, component.maximum)
            let (next, overflow) = step.multipliedReportingOverflow(by: component.maximum)
            guard !overflow, next < 1 << 40 else {
                throw SKDRankingError(message: "rencana \(plan.id): nilai maksimum komponennya terlalu besar untuk digabung")
            }
            denominator = next
        }
        for (component, value) in points { numerator += component.weight * value * 100 * (denominator / component.maximum) }
        return .scored(hundredths: (2 * numerator + denominator) / (2 * denominator))
    }

    /// A rubric's total from a person's marks: every criterion marked, within its range.
    public static func rubricTotal(_ component: SKBPlan.Component, _ marks: [String: Int]) throws(SKDRankingError) -> Int {
        for code in marks.keys where !component.rubric.contains(where: { $0.code == code }) {
            throw SKDRankingError(message: "\(component.kind.label): kriteria '\(code)' tidak ada di rubrik")
        }
        var total = 0
        for criterion in component.rubric {
            guard let mark = marks[criterion.code] else {
                throw SKDRankingError(message: "\(component.kind.label): kriteria '\(criterion.name)' belum dinilai")
            }
            guard (criterion.minimum...criterion.maximum).contains(mark) else {
                throw SKDRankingError(
                    message: "\(component.kind.label): nilai \(mark) untuk '\(criterion.name)' di luar rentang rubrik \(criterion.minimum)-\(criterion.maximum)"
                )
            }
            total += mark
        }
        return total
    }

    static func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
}
