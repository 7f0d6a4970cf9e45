public import SeleksiCore

/// An answer that cannot be scored against a paper.
public enum ScoringError: Error, Sendable, Hashable, CustomStringConvertible {
    case itemNotInPaper(String)
    case unknownOption(itemID: String, optionID: String)
    case itemNotInBank(String)

    public var description: String {
        switch self {
        case .itemNotInPaper(let id): "soal \(id) tidak ada dalam naskah ini"
        case .unknownOption(let item, let option): "soal \(item) tidak punya opsi \(option)"
        case .itemNotInBank(let id): "soal \(id) tidak ada di bank"
        }
    }
}

/// Scores a paper from a candidate's answers, by option identity (the option's letter
/// in the bank), never by the position the option had on the screen.
public struct Scorer: Sendable {
    public let bank: QuestionBank
    public let ruleSet: RuleSet

    /// Refuses a bank whose items cannot be scored the way the rule set scores their
    /// subtest (a bank built in code, bypassing the loader's check).
    public init(bank: QuestionBank, ruleSet: RuleSet) throws(BankProblems) {
        let problems = BankLoader.scoringProblems(bank.items, ruleSets: [ruleSet])
        guard problems.isEmpty else { throw BankProblems(problems) }
        self.bank = bank
        self.ruleSet = ruleSet
    }

    /// - Parameters:
    ///   - paper: the candidate's paper.
    ///   - answers: item id → chosen option id; an item without an answer is blank.
    ///   - formationType: decides which passing grade applies.
    public func score(_ paper: Paper, answers: [String: String], formationType: FormationType) throws(ScoringError) -> ScoreSheet {
        var onPaper = Set<String>()
        var subtests: [SubtestScore] = []
        for section in paper.sections {
            guard let rule = ruleSet.subtest(section.subtest) else { continue }
            var score = 0
            var answered = 0
            for paperItem in section.items {
                onPaper.insert(paperItem.itemID)
                guard let item = bank.item(paperItem.itemID) else { throw .itemNotInBank(paperItem.itemID) }
                guard let optionID = answers[paperItem.itemID] else {
                    score += rule.scoring.blank
                    continue
                }
                guard let option = item.optionIndex(of: optionID) else {
                    throw .unknownOption(itemID: item.id, optionID: optionID)
                }
                answered += 1
                score += Self.points(item.key, option: option, scoring: rule.scoring)
            }
            subtests.append(
                SubtestScore(
                    subtest: rule.code,
                    score: score,
                    maximum: section.items.count * rule.scoring.itemMaximum,
                    answered: answered,
                    items: section.items.count
                )
            )
        }
        if let stray = answers.keys.sorted().first(where: { !onPaper.contains($0) }) {
            throw .itemNotInPaper(stray)
        }
        let decision = PassingGrade.decide(subtests: subtests, formationType: formationType, ruleSet: ruleSet)
        return ScoreSheet(subtests: subtests, formationType: formationType, decision: decision)
    }

    /// Points for choosing option `option` of an item.
    static func points(_ key: ItemKey, option: Int, scoring: SubtestScoring) -> Int {
        switch (key, scoring) {
        case (.correct(let correctIndex), .rightWrong(let correct, let wrong, _)):
            return option == correctIndex ? correct : wrong
        case (.weights(let weights), .weighted):
            return weights[option]
        default:
            // init refuses a bank whose items do not fit their subtest's scoring.
            preconditionFailure("item key does not match the subtest's scoring")
        }
    }
}
