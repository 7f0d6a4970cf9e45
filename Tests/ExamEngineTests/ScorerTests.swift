import ExamEngine
import SeleksiCore
import Testing

@Suite("Scoring and passing grades")
struct ScorerTests {
    let bank: QuestionBank
    let rules: RuleSet
    let paper: Paper
    let scorer: Scorer

    init() throws {
        (bank, rules) = try syntheticSKD()
        paper = try PaperAssembler(bank: bank, ruleSet: rules).paper(seed: 2024)
        scorer = try Scorer(bank: bank, ruleSet: rules)
    }

    /// Answers giving the best option of every item.
    private var best: [String: String] {
        var answers: [String: String] = [:]
        for item in paper.items {
            let bankItem = bank.item(item.itemID)!
            switch bankItem.key {
            case .correct(let index): answers[item.itemID] = bankItem.options[index].id
            case .weights(let weights): answers[item.itemID] = bankItem.options[weights.firstIndex(of: weights.max()!)!].id
            }
        }
        return answers
    }

    /// Answers choosing, per subtest, the option worth `points` (wrong = 0, or a TKP weight).
    private func answers(twk: Int, tiu: Int, tkpWeight: Int) -> [String: String] {
        var answers: [String: String] = [:]
        for section in paper.sections {
            for (offset, item) in section.items.enumerated() {
                let bankItem = bank.item(item.itemID)!
                switch (section.subtest, bankItem.key) {
                case ("TWK", .correct(let index)):
                    answers[item.itemID] = bankItem.options[offset < twk ? index : (index + 1) % 5].id
                case ("TIU", .correct(let index)):
                    answers[item.itemID] = bankItem.options[offset < tiu ? index : (index + 1) % 5].id
                case (_, .weights(let weights)):
                    answers[item.itemID] = bankItem.options[weights.firstIndex(of: tkpWeight)!].id
                default: break
                }
            }
        }
        return answers
    }

    @Test("every best answer gives the SKD maximum of 550")
    func maximum() throws {
        let sheet = try scorer.score(paper, answers: best, formationType: .general)
        #expect(sheet.subtests.map(\.score) == [150, 175, 225])
        #expect(sheet.total == 550)
        #expect(sheet.maximum == 550)
        #expect(sheet.decision == .passed)
    }

    @Test("a blank paper scores 0 and fails every threshold, each named")
    func blank() throws {
        let sheet = try scorer.score(paper, answers: [:], formationType: .general)
        #expect(sheet.total == 0)
        #expect(sheet.subtests.allSatisfy { $0.answered == 0 })
        #expect(
            sheet.decision
                == .failed([
                    ThresholdMiss(subtest: "TWK", required: 65, actual: 0), ThresholdMiss(subtest: "TIU", required: 80, actual: 0),
                    ThresholdMiss(subtest: "TKP", required: 166, actual: 0),
                ])
        )
    }

    @Test("right 5, wrong 0, TKP by weight; a general candidate 16 short in TKP fails on TKP alone")
    func generalFailsTKP() throws {
        // TWK 14 right = 70, TIU 17 right = 85, TKP all weight 3 = 135 → short by 31.
        let sheet = try scorer.score(paper, answers: answers(twk: 14, tiu: 17, tkpWeight: 3), formationType: .general)
        #expect(sheet.subtests.map(\.score) == [70, 85, 135])
        #expect(sheet.subtests.map(\.answered) == [30, 35, 45])
        #expect(sheet.decision == .failed([ThresholdMiss(subtest: "TKP", required: 166, actual: 135)]))
        if case .failed(let misses) = sheet.decision { #expect(misses[0].description == "TKP 135 < 166 (kurang 31)") }
        // TKP weight 4 everywhere = 180 ≥ 166: passes.
        #expect(try scorer.score(paper, answers: answers(twk: 14, tiu: 17, tkpWeight: 4), formationType: .general).decision == .passed)
    }

    @Test("cumlaude needs total ≥ 311 and TIU ≥ 85; disability total ≥ 286 and TIU ≥ 60")
    func otherFormationTypes() throws {
        // 70 + 85 + 180 = 335
        let strong = answers(twk: 14, tiu: 17, tkpWeight: 4)
        #expect(try scorer.score(paper, answers: strong, formationType: .cumlaude).decision == .passed)
        // TIU 16 right = 80 < 85
        let weakTIU = answers(twk: 14, tiu: 16, tkpWeight: 4)
        #expect(
            try scorer.score(paper, answers: weakTIU, formationType: .cumlaude).decision == .failed([ThresholdMiss(subtest: "TIU", required: 85, actual: 80)])
        )
        #expect(try scorer.score(paper, answers: weakTIU, formationType: .disability).decision == .passed)
        // 60 + 60 + 135 = 255 < 286 for disability, TIU 60 meets 60.
        let low = answers(twk: 12, tiu: 12, tkpWeight: 3)
        #expect(try scorer.score(paper, answers: low, formationType: .papua).decision == .failed([ThresholdMiss(subtest: nil, required: 286, actual: 255)]))
    }

    @Test("answers to items not on the paper, or to options an item lacks, are refused")
    func badAnswers() {
        #expect(throws: ScoringError.itemNotInPaper("no-such-item")) {
            try scorer.score(paper, answers: ["no-such-item": "A"], formationType: .general)
        }
        let first = paper.items[0].itemID
        #expect(throws: ScoringError.unknownOption(itemID: first, optionID: "Z")) {
            try scorer.score(paper, answers: [first: "Z"], formationType: .general)
        }
    }

    @Test("a rule set without passing grade ranks only")
    func noPassingGrade() throws {
        let ranking = RuleSet(
            id: rules.id,
            name: rules.name,
            bankID: rules.bankID,
            durationMinutes: 90,
            subtests: rules.subtests,
            passingGrades: nil
        )
        let sheet = try Scorer(bank: bank, ruleSet: ranking).score(paper, answers: best, formationType: .general)
        #expect(sheet.decision == .noPassingGrade)
        #expect(sheet.total == 550)
    }

    @Test("a scorer refuses a bank whose items do not fit the rule set's scoring")
    func mismatchedBank() {
        let allRightWrong = RuleSet(
            id: "rw",
            name: "rw",
            bankID: rules.bankID,
            durationMinutes: 100,
            subtests: rules.subtests.map {
                SubtestRule(code: $0.code, name: $0.name, items: $0.items, scoring: .rightWrong(correct: 5, wrong: 0, blank: 0))
            },
            passingGrades: nil
        )
        #expect(throws: BankProblems.self) { try Scorer(bank: bank, ruleSet: allRightWrong) }
    }
}
