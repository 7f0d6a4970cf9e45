import ExamEngine
import Foundation
import SeleksiCore
import Testing

@Suite("Rule sets")
struct RuleSetTests {
    private func shipped(_ name: String) throws -> RuleSet {
        try RuleSetLoader.load(file: repositoryRoot + "/Config/rules/\(name).yaml")
    }

    @Test("skd-2024: 110 items in 100 minutes, maximum 550, subtests in order")
    func skd() throws {
        let rules = try shipped("skd-2024")
        #expect(rules.subtests.map(\.code) == ["TWK", "TIU", "TKP"])
        #expect(rules.subtests.map(\.items) == [30, 35, 45])
        #expect(rules.subtests.map(\.maximumScore) == [150, 175, 225])
        #expect(rules.maximumScore == 550)
        #expect(rules.durationMinutes == 100)
        #expect(
            rules.passingGrades?[.general] == [
                Threshold(subtest: "TWK", minimum: 65), Threshold(subtest: "TIU", minimum: 80), Threshold(subtest: "TKP", minimum: 166),
            ]
        )
        #expect(rules.passingGrades?[.cumlaude] == [Threshold(subtest: nil, minimum: 311), Threshold(subtest: "TIU", minimum: 85)])
        #expect(rules.passingGrades?[.disability] == [Threshold(subtest: nil, minimum: 286), Threshold(subtest: "TIU", minimum: 60)])
    }

    @Test("blind candidates of the disability formation get 130 minutes; others keep 100")
    func accommodation() throws {
        let rules = try shipped("skd-2024")
        #expect(try rules.durationMinutes(for: .disability, accommodations: ["tunanetra"]) == 130)
        #expect(try rules.durationMinutes(for: .general, accommodations: ["tunanetra"]) == 100)
        #expect(try rules.durationMinutes(for: .disability, accommodations: []) == 100)
        #expect(throws: UnknownAccommodation.self) { try rules.durationMinutes(for: .general, accommodations: ["jetpack"]) }
    }

    @Test("pppk-2024: 145 items in 130 minutes, weights 1..4, no passing grade yet")
    func pppk() throws {
        let rules = try shipped("pppk-2024")
        #expect(rules.itemCount == 145)
        #expect(rules.durationMinutes == 130)
        #expect(rules.subtest("MANAJERIAL")?.scoring == .weighted(min: 1, max: 4, distinct: true, blank: 0))
        #expect(rules.passingGrades == nil)
    }

    @Test("the example SKB CAT has no passing grade")
    func skb() throws {
        let rules = try shipped("skb-pranata-komputer")
        #expect(rules.passingGrades == nil)
        #expect(rules.subtests.count == 2)
    }

    @Test("difficulty percentages become counts that add up exactly")
    func difficultyTargets() {
        for items in [1, 7, 30, 35, 45, 100] {
            let rule = SubtestRule(code: "T", name: "T", items: items, scoring: .rightWrong(correct: 5, wrong: 0, blank: 0), difficultyPercent: [30, 50, 20])
            #expect(rule.difficultyTargets?.reduce(0, +) == items)
        }
        let tkp = SubtestRule(code: "T", name: "T", items: 45, scoring: .rightWrong(correct: 5, wrong: 0, blank: 0), difficultyPercent: [30, 50, 20])
        #expect(tkp.difficultyTargets == [14, 22, 9])  // 13.5 → 14, 22.5 → 22 (ties go to the easier level), 9
    }

    private func problems(_ text: String) -> [String] {
        let folder = TemporaryFolder()
        let file = folder.write("r.yaml", text)
        do {
            _ = try RuleSetLoader.load(file: file)
            return []
        } catch {
            return error.problems.map(\.code)
        }
    }

    @Test("a broken rule set is refused with a reason per problem")
    func badRuleSets() {
        #expect(problems(smallRules.replacingOccurrences(of: "topics: {x: 1}", with: "topics: {x: 1}\n    difficulty: {1: 50, 2: 20}")) == ["difficulty-sum"])
        #expect(problems(smallRules.replacingOccurrences(of: "topics: {x: 1}", with: "topics: {x: 3}")) == ["quota-exceeds-items"])
        #expect(problems(smallRules + "\npassing_grades:\n  general: {A: 5}\n") == ["missing-passing-grade"])
        #expect(problems(smallRules + "\npassing_grades:\n  martian: {A: 5}\n").contains("unknown-formation-type"))
        #expect(problems(smallRules.replacingOccurrences(of: "duration_minutes: 10", with: "duration_minutes: sepuluh")) == ["wrong-type"])
        #expect(problems(smallRules.replacingOccurrences(of: "name: Aturan kecil", with: "nama: Aturan kecil")).sorted() == ["missing-field", "unknown-field"])
    }
}
