public import SeleksiCore

/// How the items of one subtest are scored.
public enum SubtestScoring: Sendable, Hashable {
    /// One correct option per item: `correct` points, `wrong` for another option.
    case rightWrong(correct: Int, wrong: Int, blank: Int)
    /// Every option carries a weight in `min...max` (TKP: 1..5, PPPK managerial: 1..4).
    case weighted(min: Int, max: Int, distinct: Bool, blank: Int)

    /// The most one item can give.
    public var itemMaximum: Int {
        switch self {
        case .rightWrong(let correct, let wrong, let blank): Swift.max(correct, wrong, blank)
        case .weighted(_, let max, _, let blank): Swift.max(max, blank)
        }
    }

    public var blank: Int {
        switch self {
        case .rightWrong(_, _, let blank), .weighted(_, _, _, let blank): blank
        }
    }
}

/// A quota: the paper draws exactly `count` items of `topic` for its subtest.
public struct TopicQuota: Sendable, Hashable {
    public let topic: String
    public let count: Int

    public init(topic: String, count: Int) {
        self.topic = topic
        self.count = count
    }
}

/// What a rule set says about one subtest.
public struct SubtestRule: Sendable, Hashable {
    public let code: String
    public let name: String
    public let items: Int
    public let scoring: SubtestScoring
    public let topicQuotas: [TopicQuota]
    /// Percent of items per difficulty 1, 2, 3; nil when the rule set leaves it free.
    public let difficultyPercent: [Int]?
    /// `passages: together`: the items a paper draws that share a passage stand one after
    /// another, in the bank's order; otherwise they are shuffled like any other.
    public let passagesTogether: Bool
    /// Line in the rule-set file, for problems.
    public let line: Int?

    public init(
        code: String,
        name: String,
        items: Int,
        scoring: SubtestScoring,
        topicQuotas: [TopicQuota] = [],
        difficultyPercent: [Int]? = nil,
        passagesTogether: Bool = false,
        line: Int? = nil
    ) {
        self.code = code
        self.name = name
        self.items = items
        self.scoring = scoring
        self.topicQuotas = topicQuotas
        self.difficultyPercent = difficultyPercent
        self.passagesTogether = passagesTogether
        self.line = line
    }

    public var maximumScore: Int { items * scoring.itemMaximum }

    /// How many items of difficulty 1, 2 and 3 a paper draws: the percentages applied
    /// to `items`, rounded by largest remainder so that they add up exactly.
    public var difficultyTargets: [Int]? {
        guard let percent = difficultyPercent else { return nil }
        var counts = percent.map { items * $0 / 100 }
        let remainders = percent.enumerated().map { (level: $0.offset, rest: items * $0.element % 100) }
        var missing = items - counts.reduce(0, +)
        for entry in remainders.sorted(by: { $0.rest != $1.rest ? $0.rest > $1.rest : $0.level < $1.level }) {
            guard missing > 0 else { break }
            counts[entry.level] += 1
            missing -= 1
        }
        return counts
    }
}

/// One threshold of a passing grade: a subtest score, or the total when `subtest` is nil.
public struct Threshold: Sendable, Hashable {
    public let subtest: String?
    public let minimum: Int

    public init(subtest: String?, minimum: Int) {
        self.subtest = subtest
        self.minimum = minimum
    }
}

/// Extra working time for a group of candidates (blind candidates of the disability formation).
public struct Accommodation: Sendable, Hashable {
    public let name: String
    public let extraMinutes: Int
    /// Nil: every formation type.
    public let formationTypes: Set<FormationType>?

    public init(name: String, extraMinutes: Int, formationTypes: Set<FormationType>?) {
        self.name = name
        self.extraMinutes = extraMinutes
        self.formationTypes = formationTypes
    }
}

/// Asking for an accommodation the rule set does not know.
public struct UnknownAccommodation: Error, Sendable, Hashable, CustomStringConvertible {
    public let name: String
    public let ruleSet: String
    public var description: String { "akomodasi '\(name)' tidak dikenal dalam aturan \(ruleSet)" }
}

/// A rule set (`Config/rules/*.yaml`): what a paper holds, how long it lasts, how it is
/// scored and which scores pass. A new year's rules are a new file, never a code change.
/// How a stage's results become a shortlist (SKD → SKB): per formation, at most
/// `multiplier` × quota of those who passed, ties ordered by `tieBreak` after the total.
public struct SelectionRule: Sendable, Hashable {
    public let multiplier: Int
    /// Subtest codes, in the order they break a tie on the total.
    public let tieBreak: [String]
    /// How this stage's result joins the SKB into the final score; nil when the rule set
    /// does not say (the final result cannot be made from it).
    public let final: FinalRule?

    public init(multiplier: Int, tieBreak: [String], final: FinalRule? = nil) {
        self.multiplier = multiplier
        self.tieBreak = tieBreak
        self.final = final
    }
}

/// The national formula joining SKD and SKB (`selection.final`): the weight of each, in
/// percent (together 100), and where posts left empty may be filled from (optimalisasi).
public struct FinalRule: Sendable, Hashable {
    public enum Optimization: String, Sendable, Hashable, CaseIterable {
        /// The same position, education and unit, another formation type (L-1).
        case otherType = "other_type"
        /// The same position and education, another unit or location (L-2).
        case otherUnit = "other_unit"
    }

    public let skdWeight: Int
    public let skbWeight: Int
    /// In the order they are tried.
    public let optimization: [Optimization]

    public init(skdWeight: Int, skbWeight: Int, optimization: [Optimization]) {
        self.skdWeight = skdWeight
        self.skbWeight = skbWeight
        self.optimization = optimization
    }
}

public struct RuleSet: Sendable, Hashable {
    public let id: String
    public let name: String
    public let bankID: String
    public let durationMinutes: Int
    public let subtests: [SubtestRule]
    /// Nil when the rule set has no passing grade (an SKB CAT ranks only).
    public let passingGrades: [FormationType: [Threshold]]?
    public let accommodations: [String: Accommodation]
    /// Nil when the stage's results are not ranked into a shortlist.
    public let selection: SelectionRule?
    /// The file it was read from.
    public let source: String

    public init(
        id: String,
        name: String,
        bankID: String,
        durationMinutes: Int,
        subtests: [SubtestRule],
        passingGrades: [FormationType: [Threshold]]?,
        accommodations: [String: Accommodation] = [:],
        selection: SelectionRule? = nil,
        source: String = "<kode>"
    ) {
        self.id = id
        self.name = name
        self.bankID = bankID
        self.durationMinutes = durationMinutes
        self.subtests = subtests
        self.passingGrades = passingGrades
        self.accommodations = accommodations
        self.selection = selection
        self.source = source
    }

    public var itemCount: Int { subtests.reduce(0) { $0 + $1.items } }
    public var maximumScore: Int { subtests.reduce(0) { $0 + $1.maximumScore } }

    public func subtest(_ code: String) -> SubtestRule? { subtests.first { $0.code == code } }

    /// Working minutes for a candidate: the duration plus every accommodation that
    /// applies to their formation type. Proctor extensions are the exam node's business.
    public func durationMinutes(
        for formationType: FormationType,
        accommodations names: [String]
    )
        throws(UnknownAccommodation) -> Int
    {
        var minutes = durationMinutes
        for name in names {
            guard let accommodation = accommodations[name] else {
                throw UnknownAccommodation(name: name, ruleSet: id)
            }
            if accommodation.formationTypes?.contains(formationType) ?? true {
                minutes += accommodation.extraMinutes
            }
        }
        return minutes
    }
}
