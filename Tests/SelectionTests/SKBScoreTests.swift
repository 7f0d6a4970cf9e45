import ExamEngine
import Testing

@testable import Selection

@Suite("SKB score: components joined by the plan's weights, TH and DIS, rubric ranges")
struct SKBScoreTests {
    static let interview = SKBPlan.Component(
        kind: .interview,
        weight: 30,
        ruleSetID: nil,
        rubric: [
            SKBPlan.Criterion(code: "integritas", name: "Integritas", minimum: 0, maximum: 50),
            SKBPlan.Criterion(code: "komunikasi", name: "Komunikasi", minimum: 10, maximum: 50),
        ],
        maximum: 100
    )
    static let plan = SKBPlan(
        id: "uji",
        name: "Uji",
        scope: .agencies(["kemenkeu"]),
        components: [
            SKBPlan.Component(kind: .cat, weight: 50, ruleSetID: "skb-pranata-komputer", rubric: [], maximum: 150),
            interview,
            SKBPlan.Component(kind: .practical, weight: 20, ruleSetID: nil, rubric: [], maximum: 100),
        ],
        source: "uji.yaml"
    )

    @Test("each component as a share of its maximum, by weight: 120/150 × 50 + 70/100 × 30 + 90/100 × 20 = 79.00 %")
    func weighted() throws {
        #expect(
            try SKBScore.combine(Self.plan, [.cat: .scored(120), .interview: .scored(70), .practical: .scored(90)], participant: "1")
                == .scored(hundredths: 7900)
        )
        #expect(
            try SKBScore.combine(Self.plan, [.cat: .scored(150), .interview: .scored(100), .practical: .scored(100)], participant: "1")
                == .scored(hundredths: 10000)
        )
        #expect(
            try SKBScore.combine(Self.plan, [.cat: .scored(0), .interview: .scored(0), .practical: .scored(0)], participant: "1") == .scored(hundredths: 0)
        )
        // 1/150 × 50 % = 0.3333 %: 33 hundredths; exact fractions, rounded half up only at the end.
        #expect(
            try SKBScore.combine(Self.plan, [.cat: .scored(1), .interview: .scored(0), .practical: .scored(0)], participant: "1") == .scored(hundredths: 33)
        )
        let fine = SKBPlan(
            id: "halus",
            name: "Halus",
            scope: .formations(["F"]),
            components: [SKBPlan.Component(kind: .interview, weight: 100, ruleSetID: nil, rubric: [], maximum: 20000)],
            source: "h.yaml"
        )
        #expect(try SKBScore.combine(fine, [.interview: .scored(3)], participant: "1") == .scored(hundredths: 2))
        #expect(try SKBScore.combine(fine, [.interview: .scored(1)], participant: "1") == .scored(hundredths: 1))
    }

    @Test("absent from one component is TH; disqualified in any is DIS; a missing, unknown or out-of-range score is refused by name")
    func absentAndBad() throws {
        #expect(try SKBScore.combine(Self.plan, [.cat: .scored(120), .interview: .absent, .practical: .scored(90)], participant: "1") == .absent)
        #expect(try SKBScore.combine(Self.plan, [.cat: .disqualified, .interview: .absent, .practical: .scored(90)], participant: "1") == .disqualified)
        let bad: [[SKBPlan.ComponentKind: SKBScore.Component]] = [
            [.cat: .scored(120), .interview: .scored(70)],
            [.cat: .scored(151), .interview: .scored(70), .practical: .scored(90)],
            [.cat: .scored(-1), .interview: .scored(70), .practical: .scored(90)],
            [.cat: .scored(120), .interview: .scored(70), .practical: .scored(90), .health: .scored(1)],
        ]
        for scores in bad {
            #expect(throws: SKDRankingError.self) { try SKBScore.combine(Self.plan, scores, participant: "1") }
        }
        do {
            _ = try SKBScore.combine(Self.plan, bad[1], participant: "2024-001")
        } catch { #expect(error.message.contains("2024-001") && error.message.contains("151") && error.message.contains("0-150")) }
    }

    @Test("a rubric's total: every criterion marked, each within its range; a mark out of range names the criterion and the range")
    func rubric() throws {
        #expect(try SKBScore.rubricTotal(Self.interview, ["integritas": 40, "komunikasi": 35]) == 75)
        #expect(try SKBScore.rubricTotal(Self.interview, ["integritas": 0, "komunikasi": 10]) == 10)
        let bad: [[String: Int]] = [
            ["integritas": 51, "komunikasi": 35], ["integritas": 40, "komunikasi": 9], ["integritas": 40],
            ["integritas": 40, "komunikasi": 35, "penampilan": 5],
        ]
        for marks in bad {
            #expect(throws: SKDRankingError.self) { try SKBScore.rubricTotal(Self.interview, marks) }
        }
        do {
            _ = try SKBScore.rubricTotal(Self.interview, bad[1])
        } catch { #expect(error.message.contains("Komunikasi") && error.message.contains("10-50"), "\(error.message)") }
    }
}
