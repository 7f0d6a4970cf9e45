public import ExamEngine
public import SeleksiCore

/// A formation as the SKD ranking sees it.
public struct SKDFormation: Sendable, Hashable, Codable {
    public let id: String
    public let type: FormationType
    public let quota: Int

    public init(id: String, type: FormationType, quota: Int) {
        self.id = id
        self.type = type
        self.quota = quota
    }
}

/// One participant's SKD result as the exam node reported it.
public struct SKDCandidate: Sendable, Hashable {
    public enum Attendance: Sendable, Hashable {
        /// Sat the exam: a score per subtest code of the rule set.
        case present(scores: [String: Int])
        case absent
        case disqualified(reason: String)
    }

    public let participantNumber: String
    public let formationID: String
    public let attendance: Attendance

    public init(participantNumber: String, formationID: String, attendance: Attendance) {
        self.participantNumber = participantNumber
        self.formationID = formationID
        self.attendance = attendance
    }
}

/// Where a participant stands after the SKD; the code an announcement prints for each
/// comes from `ResultCodes`.
public enum SKDStanding: String, Sendable, Hashable, Codable, CaseIterable {
    /// Met the passing grade and ranked within multiplier × quota (P/L).
    case withinCutOff = "within_cut_off"
    /// Met the passing grade, ranked outside the cut-off (P).
    case outsideCutOff = "outside_cut_off"
    /// Missed the passing grade (TL).
    case failed
    /// Did not sit (TH).
    case absent
    /// Disqualified (DIS), with the reason.
    case disqualified
}

public struct SKDResult: Sendable, Hashable {
    public let participantNumber: String
    public let formationID: String
    /// Nil for the absent and the disqualified.
    public let scores: [String: Int]?
    public let total: Int?
    /// Among those who passed in the formation: 1 + how many rank strictly better (so
    /// candidates tied on every key share a rank). Nil for everyone else.
    public let rank: Int?
    public let standing: SKDStanding
    public let reason: String?
}

public struct SKDRankingError: Error, Sendable, Hashable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// Per formation, among the candidates who meet the passing grade of its formation type
/// (from the rule set), rank by total and then by the rule set's tie-break subtests, and
/// take at most multiplier × quota; everyone still tied at the cut-off goes through.
/// Pure and deterministic: the result does not depend on the order of the input.
public enum SKDRanking {
    public static func rank(_ candidates: [SKDCandidate], formations: [SKDFormation], ruleSet: RuleSet) throws(SKDRankingError) -> [SKDResult] {
        guard let rule = ruleSet.selection else {
            throw SKDRankingError(message: "aturan \(ruleSet.id) tidak punya bagian 'selection' (pengali dan urutan penentu)")
        }
        guard ruleSet.passingGrades != nil else { throw SKDRankingError(message: "aturan \(ruleSet.id) tidak punya nilai ambang batas") }
        var byID: [String: SKDFormation] = [:]
        for formation in formations {
            guard byID[formation.id] == nil else { throw SKDRankingError(message: "formasi \(formation.id) disebut dua kali") }
            guard formation.quota >= 0 else { throw SKDRankingError(message: "kuota formasi \(formation.id) tidak boleh negatif") }
            byID[formation.id] = formation
        }
        var seen = Set<String>()
        var results: [SKDResult] = []
        results.reserveCapacity(candidates.count)
        /// Indices into `results` of those who passed, per formation, with their sort key.
        var passers: [String: [(key: Key, index: Int)]] = [:]
        for candidate in candidates {
            guard seen.insert(candidate.participantNumber).inserted else {
                throw SKDRankingError(message: "peserta \(candidate.participantNumber) disebut dua kali")
            }
            guard let formation = byID[candidate.formationID] else {
                throw SKDRankingError(message: "peserta \(candidate.participantNumber): formasi \(candidate.formationID) tidak dikenal")
            }
            switch candidate.attendance {
            case .absent:
                results.append(
                    SKDResult(
                        participantNumber: candidate.participantNumber,
                        formationID: formation.id,
                        scores: nil,
                        total: nil,
                        rank: nil,
                        standing: .absent,
                        reason: nil
                    )
                )
            case .disqualified(let reason):
                results.append(
                    SKDResult(
                        participantNumber: candidate.participantNumber,
                        formationID: formation.id,
                        scores: nil,
                        total: nil,
                        rank: nil,
                        standing: .disqualified,
                        reason: reason
                    )
                )
            case .present(let scores):
                var sheet: [SubtestScore] = []
                for subtest in ruleSet.subtests {
                    guard let score = scores[subtest.code], (0...subtest.maximumScore).contains(score) else {
                        throw SKDRankingError(
                            message:
                                "peserta \(candidate.participantNumber): nilai \(subtest.code) harus 0-\(subtest.maximumScore), bukan \(scores[subtest.code].map(String.init) ?? "kosong")"
                        )
                    }
                    sheet.append(SubtestScore(subtest: subtest.code, score: score, maximum: subtest.maximumScore, answered: 0, items: subtest.items))
                }
                // Every subtest of the rule set is there: a different count means one more.
                if scores.count != ruleSet.subtests.count, let extra = Set(scores.keys).subtracting(ruleSet.subtests.map(\.code)).sorted().first {
                    throw SKDRankingError(message: "peserta \(candidate.participantNumber): subtes \(extra) tidak ada dalam aturan \(ruleSet.id)")
                }
                let total = sheet.reduce(0) { $0 + $1.score }
                let passed = PassingGrade.decide(subtests: sheet, formationType: formation.type, ruleSet: ruleSet) == .passed
                if passed {
                    passers[formation.id, default: []].append((Key(total: total, tieBreak: rule.tieBreak.map { scores[$0] ?? 0 }), results.count))
                }
                results.append(
                    SKDResult(
                        participantNumber: candidate.participantNumber,
                        formationID: formation.id,
                        scores: scores,
                        total: total,
                        rank: nil,
                        standing: passed ? .outsideCutOff : .failed,
                        reason: nil
                    )
                )
            }
        }
        for (formationID, list) in passers {
            let limit = byID[formationID]!.quota * rule.multiplier
            let ordered = list.sorted { a, b in
                a.key != b.key ? a.key > b.key : results[a.index].participantNumber < results[b.index].participantNumber
            }
            var rank = 0
            for (position, entry) in ordered.enumerated() {
                if position == 0 || entry.key != ordered[position - 1].key { rank = position + 1 }
                let old = results[entry.index]
                results[entry.index] = SKDResult(
                    participantNumber: old.participantNumber,
                    formationID: old.formationID,
                    scores: old.scores,
                    total: old.total,
                    rank: rank,
                    // A tie group that starts within the limit goes through whole.
                    standing: rank <= limit ? .withinCutOff : .outsideCutOff,
                    reason: nil
                )
            }
        }
        // One order for every input order: by formation, then rank (the unranked after), then
        // number. The indices are sorted, not the results (a million large values moved).
        let formationOrder = Dictionary(uniqueKeysWithValues: byID.keys.sorted().enumerated().map { ($1, $0) })
        let keys = results.map { (formationOrder[$0.formationID] ?? 0, $0.rank ?? .max) }
        let order = results.indices.sorted { i, j in
            keys[i] != keys[j] ? keys[i] < keys[j] : results[i].participantNumber < results[j].participantNumber
        }
        return order.map { results[$0] }
    }

    /// Total first, then the tie-break subtests, larger is better. The first three
    /// tie-breaks are stored inline (no array per candidate when a million are sorted).
    struct Key: Comparable, Hashable {
        let total: Int
        let first: Int
        let second: Int
        let third: Int
        let rest: [Int]

        init(total: Int, tieBreak: [Int]) {
            self.total = total
            first = tieBreak.count > 0 ? tieBreak[0] : 0
            second = tieBreak.count > 1 ? tieBreak[1] : 0
            third = tieBreak.count > 2 ? tieBreak[2] : 0
            rest = tieBreak.count > 3 ? Array(tieBreak[3...]) : []
        }

        static func < (a: Key, b: Key) -> Bool {
            if a.total != b.total { return a.total < b.total }
            if a.first != b.first { return a.first < b.first }
            if a.second != b.second { return a.second < b.second }
            if a.third != b.third { return a.third < b.third }
            return a.rest.lexicographicallyPrecedes(b.rest)
        }
    }
}
