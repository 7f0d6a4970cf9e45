import ExamEngine
import Foundation
import Testing

@Suite("SKB plans: components and weights from Config/rules, refused at load when wrong")
struct SKBPlanTests {
    static let ruleSets = RuleSetLoader.loadAll(directory: repositoryRoot + "/Config/rules").ruleSets

    static func plan(_ components: String, scope: String = "agencies: [kemenkeu]") -> String {
        """
        kind: skb-plan
        id: uji
        name: Rencana uji
        \(scope)
        components:
        \(components)
        """
    }

    static let interview = """
          - kind: interview
            weight: 40
            rubric:
              - {code: integritas, name: Integritas, min: 0, max: 50}
              - {code: komunikasi, name: Komunikasi, min: 0, max: 50}
        """

    /// The problems of loading `text` as a plan file.
    static func problems(_ text: String) -> [BankProblem] {
        let folder = TemporaryFolder()
        let file = folder.write("skb-uji.yaml", text)
        do {
            _ = try SKBPlanLoader.load(file: file, ruleSets: ruleSets)
            return []
        } catch { return error.problems }
    }

    @Test("the shipped example: CAT SKB on its rule set, interview and practical by rubric, weights 50/30/20; the rule loader leaves it to the plan loader")
    func shipped() throws {
        let loaded = RuleSetLoader.loadAll(directory: repositoryRoot + "/Config/rules")
        #expect(loaded.problems.isEmpty, "\(loaded.problems)")
        #expect(!loaded.ruleSets.map(\.id).contains("skb-kemenkeu-contoh"))
        let plans = SKBPlanLoader.loadAll(directory: repositoryRoot + "/Config/rules", ruleSets: loaded.ruleSets)
        #expect(plans.problems.isEmpty, "\(plans.problems)")
        let plan = try #require(plans.plans.first { $0.id == "skb-kemenkeu-contoh" })
        #expect(plan.components.map(\.kind) == [.cat, .interview, .practical])
        #expect(plan.components.map(\.weight) == [50, 30, 20])
        #expect(plan.component(.cat)?.ruleSetID == "skb-pranata-komputer")
        // The CAT's maximum is its rule set's (20 × 5 + 10 × 5); a rubric's is its criteria's.
        #expect(plan.component(.cat)?.maximum == 150)
        #expect(plan.component(.interview)?.maximum == 100)
        #expect(SKBPlans(plans.plans).plan(formation: "KEU-PK-001", agency: "kemenkeu")?.id == "skb-kemenkeu-contoh")
        #expect(SKBPlans(plans.plans).plan(formation: "KPG-1", agency: "pemkot-kupang") == nil)
    }

    @Test("weights that do not add up to 100 are refused, naming the file, the line and the key")
    func weights() {
        let problems = Self.problems(
            Self.plan(
                """
                  - kind: cat
                    weight: 50
                    rule_set: skb-pranata-komputer
                \(Self.interview)
                """
            )
        )
        let problem = problems.first { $0.code == "weights-not-100" }
        #expect(problem != nil, "\(problems)")
        #expect(problem?.file.hasSuffix("skb-uji.yaml") == true && problem?.line != nil)
        #expect(problem?.message.contains("components[].weight berjumlah 90") == true, "\(String(describing: problem))")
    }

    @Test("a CAT component naming an unknown rule set is refused with its key and the rule sets there are")
    func unknownRuleSet() {
        let problems = Self.problems(
            Self.plan(
                """
                  - kind: cat
                    weight: 60
                    rule_set: skb-tidak-ada
                \(Self.interview)
                """
            )
        )
        let problem = problems.first { $0.code == "unknown-rule-set" }
        #expect(problem?.message.contains("components[0].rule_set") == true && problem?.message.contains("skb-pranata-komputer") == true, "\(problems)")
        #expect(problem?.line == 8)
    }

    @Test("every other mistake is refused by its code: unknown or repeated component, bad rubric range, no scope or both, bad weight")
    func mistakes() {
        let cases: [(String, String)] = [
            ("unknown-component", Self.plan("  - {kind: bernyanyi, weight: 100, rubric: [{code: a, name: A, min: 0, max: 10}]}")),
            (
                "duplicate-component",
                Self.plan(
                    """
                      - {kind: interview, weight: 50, rubric: [{code: a, name: A, min: 0, max: 10}]}
                      - {kind: interview, weight: 50, rubric: [{code: a, name: A, min: 0, max: 10}]}
                    """
                )
            ),
            ("rubric-range", Self.plan("  - {kind: interview, weight: 100, rubric: [{code: a, name: A, min: 10, max: 10}]}")),
            ("rubric-range", Self.plan("  - {kind: interview, weight: 100, rubric: [{code: a, name: A, min: -1, max: 10}]}")),
            (
                "duplicate-criterion",
                Self.plan("  - {kind: interview, weight: 100, rubric: [{code: a, name: A, min: 0, max: 10}, {code: a, name: B, min: 0, max: 5}]}")
            ),
            ("empty-rubric", Self.plan("  - {kind: interview, weight: 100, rubric: []}")),
            ("out-of-range", Self.plan("  - {kind: interview, weight: 0, rubric: [{code: a, name: A, min: 0, max: 10}]}")),
            ("missing-field", Self.plan("  - {kind: interview, weight: 100, rubric: [{code: a, name: A, min: 0, max: 10}]}", scope: "")),
            (
                "plan-scope",
                Self.plan("  - {kind: interview, weight: 100, rubric: [{code: a, name: A, min: 0, max: 10}]}", scope: "agencies: [a]\nformations: [b]")
            ),
            ("no-components", "kind: skb-plan\nid: uji\nname: Uji\nagencies: [a]\ncomponents: []\n"),
        ]
        for (code, text) in cases {
            let problems = Self.problems(text)
            #expect(problems.contains { $0.code == code }, "\(code) expected, got \(problems)")
        }
    }

    @Test("two plans claiming the same agency, or the same id, are both reported; a broken plan does not hide the good ones")
    func overlap() {
        let folder = TemporaryFolder()
        let good = Self.plan("  - {kind: interview, weight: 100, rubric: [{code: a, name: A, min: 0, max: 10}]}")
        folder.write("skb-a.yaml", good)
        folder.write("skb-b.yaml", good.replacingOccurrences(of: "id: uji", with: "id: uji-2"))
        folder.write("skb-c.yaml", good)
        folder.write("skb-d.yaml", Self.plan("  - {kind: interview, weight: 99, rubric: [{code: a, name: A, min: 0, max: 10}]}", scope: "formations: [X]"))
        let loaded = SKBPlanLoader.loadAll(directory: folder.path, ruleSets: Self.ruleSets)
        #expect(loaded.plans.map(\.id) == ["uji", "uji-2", "uji"])
        #expect(loaded.problems.map(\.code).sorted() == ["duplicate-plan", "plan-overlap", "plan-overlap", "weights-not-100"], "\(loaded.problems)")
        // A formation's own plan wins over its agency's.
        let formationPlan = SKBPlan(id: "f", name: "F", scope: .formations(["KEU-1"]), components: [], source: "f.yaml")
        let plans = SKBPlans([loaded.plans[0], formationPlan])
        #expect(plans.plan(formation: "KEU-1", agency: "kemenkeu")?.id == "f")
        #expect(plans.plan(formation: "KEU-2", agency: "kemenkeu")?.id == "uji")
    }
}
