public import ExamEngine
public import SeleksiCore

/// A formation as the final result sees it: its post, and what optimalisasi may move
/// between (the same position and education; the unit for L-1 against L-2).
public struct FinalFormation: Sendable, Hashable {
    public let id: String
    public let position: String
    public let education: String
    public let unit: String
    public let type: FormationType
    public let quota: Int

    public init(id: String, position: String, education: String, unit: String, type: FormationType, quota: Int) {
        self.id = id
        self.position = position
        self.education = education
        self.unit = unit
        self.type = type
        self.quota = quota
    }

    var skd: SKDFormation { SKDFormation(id: id, type: type, quota: quota) }
}

/// One candidate as the final result sees them: the SKD result as the node reported it,
/// the last tie-breaks (GPA, birth date), and how the SKB went.
public struct FinalCandidate: Sendable, Hashable {
    public enum SKB: Sendable, Hashable {
        /// Sat every SKB component: the SKB as a percentage of its maximum, in hundredths
        /// of a percent (8325 is 83.25 %), exact so the order never depends on rounding.
        case scored(hundredths: Int)
        /// Missed at least one SKB component (TH).
        case absent
        /// Disqualified in the SKB.
        case disqualified
        /// Found not to meet the requirements when checked again at the SKB (TMS).
        case notEligible
        /// Not called to the SKB (not within the SKD cut-off); no SKB row.
        case none
    }

    public let skd: SKDCandidate
    /// GPA in hundredths (3.40 is 340), or the diploma average for school graduates.
    public let gpaHundredths: Int
    /// `yyyy-mm-dd`: an earlier date is the older applicant.
    public let birthDate: String
    public let skb: SKB

    public init(skd: SKDCandidate, gpaHundredths: Int, birthDate: String, skb: SKB) {
        self.skd = skd
        self.gpaHundredths = gpaHundredths
        self.birthDate = birthDate
        self.skb = skb
    }
}

/// Where a candidate ends; the code an announcement prints comes from `ResultCodes`.
public enum FinalStanding: String, Sendable, Hashable, Codable, CaseIterable {
    /// Within the quota of their own formation (L).
    case appointed
    /// A post left empty in another formation type of the same position, education and unit (L-1).
    case appointedOtherType = "appointed_other_type"
    /// A post left empty in another unit or location, same position and education (L-2).
    case appointedOtherUnit = "appointed_other_unit"
    /// Not appointed (TL): outside the quota, or not through the SKD.
    case notAppointed = "not_appointed"
    /// Absent from the SKD or from an SKB component (TH).
    case absent
    /// Disqualified in the SKD or the SKB.
    case disqualified
    /// Did not meet the requirements when checked again (TMS).
    case notEligible = "not_eligible"
}

public struct FinalResult: Sendable, Hashable {
    public let participantNumber: String
    /// The formation they applied for.
    public let formationID: String
    /// The formation they are appointed to: another one after optimalisasi, else their own.
    public let appointedTo: String
    public let skdTotal: Int?
    /// SKD/max × 100 × SKD weight + SKB % × SKB weight, rounded to three decimals for
    /// showing; the order uses the exact value. Nil without an SKB score.
    public let finalScore: Double?
    /// Within their own formation, among those with a final score: 1 + how many rank
    /// strictly better. Nil for the others.
    public let rank: Int?
    public let standing: FinalStanding
}

/// The final result (domain stage 7): the national formula joins SKD and SKB, each
/// formation's quota goes to its best, and posts left empty go, as the rule set allows,
/// to the best-ranked candidates left over for the same position and education in
/// another formation type (L-1), then another unit or location (L-2). Ties go by the
/// SKD total, the rule set's SKD tie-break subtests, GPA, then the older applicant.
/// Pure and deterministic: the result does not depend on the order of the input.
public enum FinalIntegration {
    public static func integrate(
        _ candidates: [FinalCandidate],
        formations: [FinalFormation],
        ruleSet: RuleSet
    ) throws(SKDRankingError) -> [FinalResult] {
        guard let final = ruleSet.selection?.final else {
            throw SKDRankingError(message: "aturan \(ruleSet.id) tidak punya bagian 'selection.final' (bobot SKD dan SKB)")
        }
        let skdResults = try SKDRanking.rank(candidates.map(\.skd), formations: formations.map(\.skd), ruleSet: ruleSet)
        let byNumber = Dictionary(candidates.map { ($0.skd.participantNumber, $0) }, uniquingKeysWith: { first, _ in first })
        let formationByID = Dictionary(uniqueKeysWithValues: formations.map { ($0.id, $0) })
        let maximum = ruleSet.subtests.reduce(0) { $0 + $1.maximumScore }
        guard maximum > 0 else { throw SKDRankingError(message: "aturan \(ruleSet.id): nilai maksimum SKD 0") }
        let tieBreak = ruleSet.selection?.tieBreak ?? []

        // Everyone's standing before the posts are given out, and the keys of those ranked.
        var entries: [Entry] = []
        entries.reserveCapacity(skdResults.count)
        for skd in skdResults {
            let candidate = byNumber[skd.participantNumber]!
            var entry = Entry(skd: skd, candidate: candidate)
            switch (skd.standing, candidate.skb) {
            case (.withinCutOff, .scored(let hundredths)):
                guard (0...10_000).contains(hundredths) else {
                    throw SKDRankingError(message: "peserta \(skd.participantNumber): nilai SKB harus 0-100 persen")
                }
                // final × max × 10,000, exactly: SKD/max × weight + SKB% × weight / 100.
                entry.exact = (skd.total ?? 0) * final.skdWeight * 10_000 + hundredths * final.skbWeight * maximum
                entry.key = Key(
                    exact: entry.exact!,
                    skdTotal: skd.total ?? 0,
                    tieBreak: tieBreak.map { skd.scores?[$0] ?? 0 },
                    gpa: candidate.gpaHundredths,
                    birthDate: candidate.birthDate
                )
                entry.standing = .notAppointed
            case (.withinCutOff, .absent): entry.standing = .absent
            case (.withinCutOff, .disqualified): entry.standing = .disqualified
            case (.withinCutOff, .notEligible): entry.standing = .notEligible
            case (.withinCutOff, .none):
                throw SKDRankingError(message: "peserta \(skd.participantNumber) lolos SKD ke SKB tetapi tidak punya baris SKB")
            case (_, .none):
                entry.standing =
                    switch skd.standing {
                    case .absent: .absent
                    case .disqualified: .disqualified
                    default: .notAppointed
                    }
            case (_, _):
                throw SKDRankingError(message: "peserta \(skd.participantNumber) tidak lolos SKD ke SKB tetapi punya baris SKB")
            }
            entries.append(entry)
        }

        // Each formation's own ranking and its quota.
        var ranked: [String: [Int]] = [:]
        for index in entries.indices where entries[index].key != nil { ranked[entries[index].skd.formationID, default: []].append(index) }
        var vacancies: [String: Int] = [:]
        for formation in formations { vacancies[formation.id] = formation.quota }
        for (formationID, members) in ranked {
            let order = members.sorted { entries[$0].before(entries[$1]) }
            ranked[formationID] = order
            for (position, index) in order.enumerated() {
                let previous = position > 0 ? order[position - 1] : nil
                entries[index].rank =
                    if let previous, entries[previous].key == entries[index].key { entries[previous].rank } else { position + 1 }
            }
            for index in order.prefix(formationByID[formationID]!.quota) {
                entries[index].standing = .appointed
                entries[index].appointedTo = formationID
            }
            vacancies[formationID]! -= min(order.count, formationByID[formationID]!.quota)
        }

        // Optimalisasi: each kind the rule set allows, in its order; within a kind, the
        // empty posts in formation id order, each to the best candidate left over from a
        // formation it may move from.
        // Those left over, best first, by the position and education they may move within.
        var leftOver: [PostKind: [Int]] = [:]
        for index in entries.indices where entries[index].key != nil && entries[index].standing == .notAppointed {
            let own = formationByID[entries[index].skd.formationID]!
            leftOver[PostKind(position: own.position, education: own.education), default: []].append(index)
        }
        for kind in leftOver.keys { leftOver[kind]!.sort { entries[$0].before(entries[$1]) } }
        for kind in final.optimization {
            for formation in formations.sorted(by: { $0.id < $1.id }) where vacancies[formation.id]! > 0 {
                for index in leftOver[PostKind(position: formation.position, education: formation.education)] ?? [] {
                    guard vacancies[formation.id]! > 0 else { break }
                    let own = formationByID[entries[index].skd.formationID]!
                    let fits =
                        switch kind {
                        case .otherType: own.unit == formation.unit && own.type != formation.type
                        case .otherUnit: own.unit != formation.unit
                        }
                    guard fits, entries[index].standing == .notAppointed else { continue }
                    entries[index].standing = kind == .otherType ? .appointedOtherType : .appointedOtherUnit
                    entries[index].appointedTo = formation.id
                    vacancies[formation.id]! -= 1
                }
            }
        }

        // One order for every input order: by formation, then rank, then the unranked by number.
        entries.sort { a, b in
            if a.skd.formationID != b.skd.formationID { return a.skd.formationID < b.skd.formationID }
            let (left, right) = (a.rank ?? Int.max, b.rank ?? Int.max)
            if left != right { return left < right }
            return a.before(b)
        }
        let scale = Double(maximum) * 10_000
        return entries.map { entry in
            FinalResult(
                participantNumber: entry.skd.participantNumber,
                formationID: entry.skd.formationID,
                appointedTo: entry.appointedTo ?? entry.skd.formationID,
                skdTotal: entry.skd.total,
                finalScore: entry.exact.map { (Double($0) / scale * 1000).rounded() / 1000 },
                rank: entry.rank,
                standing: entry.standing
            )
        }
    }

    /// What optimalisasi moves within: the same position and education.
    struct PostKind: Hashable {
        let position: String
        let education: String
    }

    /// What orders two candidates: the final score, then the SKD total, the tie-break
    /// subtests, GPA (higher first), and the birth date (earlier first).
    struct Key: Hashable {
        let exact: Int
        let skdTotal: Int
        let tieBreak: [Int]
        let gpa: Int
        let birthDate: String

        func better(than other: Key) -> Bool {
            if exact != other.exact { return exact > other.exact }
            if skdTotal != other.skdTotal { return skdTotal > other.skdTotal }
            for (mine, theirs) in zip(tieBreak, other.tieBreak) where mine != theirs { return mine > theirs }
            if gpa != other.gpa { return gpa > other.gpa }
            return birthDate < other.birthDate
        }
    }

    struct Entry {
        let skd: SKDResult
        let candidate: FinalCandidate
        var exact: Int?
        var key: Key?
        var rank: Int?
        var standing: FinalStanding = .notAppointed
        var appointedTo: String?

        init(skd: SKDResult, candidate: FinalCandidate) {
            self.skd = skd
            self.candidate = candidate
        }

        /// The better first; a tie on every key by participant number, so one order for every input order.
        func before(_ other: Entry) -> Bool {
            guard let key, let theirs = other.key else { return skd.participantNumber < other.skd.participantNumber }
            if key != theirs { return key.better(than: theirs) }
            return skd.participantNumber < other.skd.participantNumber
        }
    }
}
