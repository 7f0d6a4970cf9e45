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
        guard let gate = PassingGrade.Gate(ruleSet) else { throw SKDRankingError(message: "aturan \(ruleSet.id) tidak punya nilai ambang batas") }
        // Each formation's position in `formations`, by id.
        var byID: [String: Int] = [:]
        for (index, formation) in formations.enumerated() {
            guard byID[formation.id] == nil else { throw SKDRankingError(message: "formasi \(formation.id) disebut dua kali") }
            guard formation.quota >= 0 else { throw SKDRankingError(message: "kuota formasi \(formation.id) tidak boleh negatif") }
            byID[formation.id] = index
        }
        // The rule set's subtests as plain arrays: a million candidates are checked against them.
        let codes = ruleSet.subtests.map(\.code)
        let maxima = ruleSet.subtests.map(\.maximumScore)
        let known = Set(codes)
        // A tie-break code the rule set does not score counts as 0.
        let tieBreak = rule.tieBreak.map { code in codes.firstIndex(of: code) }
        var seen = Set<String>(minimumCapacity: candidates.count)
        // Per candidate (by input position): the total (nil: not present), and the standing
        // and rank once known; each result is made once, at the end, in the output's order.
        var totals = [Int?](repeating: nil, count: candidates.count)
        var standings = [SKDStanding](repeating: .absent, count: candidates.count)
        var ranks = [Int?](repeating: nil, count: candidates.count)
        /// Per formation (by position): those who passed, with their sort key, and everyone else.
        var passers = [[(key: Key, index: Int)]](repeating: [], count: formations.count)
        var others = [[Int]](repeating: [], count: formations.count)
        var values = [Int](repeating: 0, count: codes.count)
        for index in candidates.indices {
            let candidate = candidates[index]
            guard seen.insert(candidate.participantNumber).inserted else {
                throw SKDRankingError(message: "peserta \(candidate.participantNumber) disebut dua kali")
            }
            guard let place = byID[candidate.formationID] else {
                throw SKDRankingError(message: "peserta \(candidate.participantNumber): formasi \(candidate.formationID) tidak dikenal")
            }
            switch candidate.attendance {
            case .absent:
                others[place].append(index)
            case .disqualified:
                standings[index] = .disqualified
                others[place].append(index)
            case .present(let scores):
                for position in codes.indices {
                    guard let score = scores[codes[position]], (0...maxima[position]).contains(score) else {
                        throw SKDRankingError(
                            message:
                                "peserta \(candidate.participantNumber): nilai \(codes[position]) harus 0-\(maxima[position]), bukan \(scores[codes[position]].map(String.init) ?? "kosong")"
                        )
                    }
                    values[position] = score
                }
                // Every subtest of the rule set is there: a different count means one more.
                if scores.count != codes.count, let extra = Set(scores.keys).subtracting(known).sorted().first {
                    throw SKDRankingError(message: "peserta \(candidate.participantNumber): subtes \(extra) tidak ada dalam aturan \(ruleSet.id)")
                }
                let total = values.reduce(0, +)
                totals[index] = total
                if gate.passes(values, total: total, formationType: formations[place].type) {
                    standings[index] = .outsideCutOff
                    passers[place].append((Key(total: total, tieBreak: tieBreak, values: values), index))
                } else {
                    standings[index] = .failed
                    others[place].append(index)
                }
            }
        }
        // One order for every input order: by formation id, then rank (those ranked, best
        // first, ties by number), then the unranked by number.
        var order: [Int] = []
        order.reserveCapacity(candidates.count)
        for place in formations.indices.sorted(by: { formations[$0].id < formations[$1].id }) {
            guard !passers[place].isEmpty || !others[place].isEmpty else { continue }
            let (product, overflow) = formations[place].quota.multipliedReportingOverflow(by: rule.multiplier)
            let limit = overflow ? Int.max : product
            let ordered = passers[place].sorted { a, b in
                a.key != b.key ? a.key > b.key : candidates[a.index].participantNumber < candidates[b.index].participantNumber
            }
            var rank = 0
            for (position, entry) in ordered.enumerated() {
                if position == 0 || entry.key != ordered[position - 1].key { rank = position + 1 }
                ranks[entry.index] = rank
                // A tie group that starts within the limit goes through whole.
                standings[entry.index] = rank <= limit ? .withinCutOff : .outsideCutOff
                order.append(entry.index)
            }
            order.append(contentsOf: others[place].sorted { candidates[$0].participantNumber < candidates[$1].participantNumber })
        }
        return order.map { index in
            let candidate = candidates[index]
            let (scores, reason): ([String: Int]?, String?) =
                switch candidate.attendance {
                case .present(let scores): (scores, nil)
                case .absent: (nil, nil)
                case .disqualified(let reason): (nil, reason)
                }
            return SKDResult(
                participantNumber: candidate.participantNumber,
                formationID: candidate.formationID,
                scores: scores,
                total: totals[index],
                rank: ranks[index],
                standing: standings[index],
                reason: reason
            )
        }
    }

    /// Total first, then the tie-break subtests, larger is better. The first three
    /// tie-breaks are stored inline (no array per candidate when a million are sorted).
    struct Key: Comparable, Hashable {
        let total: Int
        let first: Int
        let second: Int
        let third: Int
        let rest: [Int]

        /// `tieBreak`: positions in `values` (nil: a subtest not scored, 0).
        init(total: Int, tieBreak: [Int?], values: [Int]) {
            func value(_ position: Int) -> Int { position < tieBreak.count ? tieBreak[position].map { values[$0] } ?? 0 : 0 }
            self.total = total
            first = value(0)
            second = value(1)
            third = value(2)
            rest = tieBreak.count > 3 ? (3..<tieBreak.count).map(value) : []
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
