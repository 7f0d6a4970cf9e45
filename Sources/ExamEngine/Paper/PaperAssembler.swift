import Crypto
import SeleksiCore

/// Why papers cannot be assembled from a bank for a rule set.
public struct AssemblyError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public let shortfalls: [Shortfall]

    public var description: String {
        ([message] + shortfalls.map(\.description)).joined(separator: "\n")
    }
}

/// How evenly a session's papers used the bank: the least-used-first rule keeps the
/// ratio of the most used to the least used item close to 1.
public struct ExposureReport: Sendable, Hashable, Codable {
    public let papers: Int
    public let items: Int
    public let maximumUse: Int
    public let minimumUse: Int
    /// Items of the drawn subtests that no paper used.
    public let unused: Int
    /// The same figures per subtest, in the rule set's order.
    public let subtests: [SubtestExposure]

    /// max/min usage; infinite when some item was never used.
    public var ratio: Double { minimumUse == 0 ? .infinity : Double(maximumUse) / Double(minimumUse) }
}

/// Exposure within one subtest.
public struct SubtestExposure: Sendable, Hashable, Codable {
    public let subtest: String
    public let maximumUse: Int
    public let minimumUse: Int

    public var ratio: Double { minimumUse == 0 ? .infinity : Double(maximumUse) / Double(minimumUse) }
}

/// Assembles papers from a bank and a rule set.
///
/// Per subtest, in the rule set's order: candidates are ranked least used first (a
/// seeded random draw breaks ties), the topic quotas are filled, then the rest of the
/// subtest from any topic, each pick preferring a difficulty still below its target;
/// a final pass swaps items within a topic to meet the difficulty mix where the first
/// pass could not. The chosen items are shuffled (where the rule set keeps passages
/// together, those sharing one as a block in the bank's order), and so are the options
/// of each item (a fixed option keeps its place). Everything random comes from the seed.
public struct PaperAssembler: Sendable {
    public let bank: QuestionBank
    public let ruleSet: RuleSet
    private let plans: [SubtestPlan]
    /// Per bank item: the UTF-8 of `ID@VERSION:` for the canonical text.
    private let canonicalPrefix: [[UInt8]]
    private let canonicalHeader: [UInt8]
    private let fixedOptions: [[Bool]]
    private let anyFixed: [Bool]

    private struct SubtestPlan: Sendable {
        let rule: SubtestRule
        /// Bank indexes of the subtest's items.
        let pool: [Int]
        /// Per pool entry: its topic number (index into `topicQuota`, or -1 when the
        /// topic has no quota) and its difficulty (0-based).
        let topicOf: [Int]
        let difficultyOf: [Int]
        let topicQuota: [Int]
        let difficultyTargets: [Int]?
        let canonicalLine: [UInt8]
        /// Per pool entry: the number of the passage it shares (-1: none); only when the
        /// rule set keeps passages together and some item has one, else nil.
        let passageOf: [Int]?
    }

    public init(bank: QuestionBank, ruleSet: RuleSet) throws(AssemblyError) {
        guard bank.id == ruleSet.bankID else {
            throw AssemblyError(message: "aturan \(ruleSet.id) memakai bank '\(ruleSet.bankID)', bukan '\(bank.id)'", shortfalls: [])
        }
        let shortfalls = BankRuleCheck.shortfalls(items: bank.items, ruleSet: ruleSet)
        guard shortfalls.isEmpty else {
            throw AssemblyError(message: "bank \(bank.id) tidak cukup untuk aturan \(ruleSet.id)", shortfalls: shortfalls)
        }
        self.bank = bank
        self.ruleSet = ruleSet
        self.plans = ruleSet.subtests.map { rule in
            let pool = bank.items.indices.filter { bank.items[$0].subtest == rule.code }
            let quotaTopics = rule.topicQuotas.map(\.topic)
            let passageNumber = Dictionary(Set(pool.compactMap { bank.items[$0].passage?.id }).sorted().enumerated().map { ($1, $0) }) { first, _ in first }
            return SubtestPlan(
                rule: rule,
                pool: pool,
                topicOf: pool.map { quotaTopics.firstIndex(of: bank.items[$0].topic) ?? -1 },
                difficultyOf: pool.map { bank.items[$0].difficulty - 1 },
                topicQuota: rule.topicQuotas.map(\.count),
                difficultyTargets: rule.difficultyTargets,
                canonicalLine: Array("subtest:\(rule.code)\n".utf8),
                passageOf: rule.passagesTogether && !passageNumber.isEmpty
                    ? pool.map { index in bank.items[index].passage.flatMap { passageNumber[$0.id] } ?? -1 } : nil
            )
        }
        self.canonicalPrefix = bank.items.map { Array("\($0.id)@\($0.version):".utf8) }
        self.canonicalHeader = Array(
            (Paper.header(bank.contentDigest) + "rules:\(ruleSet.id)\nbank:\(bank.id)@\(bank.version)\ncontent:\(bank.contentDigest)\n").utf8
        )
        self.fixedOptions = bank.items.map { $0.options.map(\.fixed) }
        self.anyFixed = bank.items.map { $0.options.contains(where: \.fixed) }
    }

    /// The paper for one seed, as if it were the only one (no exposure history).
    public func paper(seed: UInt64) -> Paper {
        var usage = [Int32](repeating: 0, count: bank.items.count)
        return assemble(seed: seed, usage: &usage)
    }

    /// A whole session's papers, assembled in order so that each paper prefers the items
    /// the earlier papers used least. The same seeds in the same order give the same papers.
    public func session(seeds: [UInt64]) -> (papers: [Paper], exposure: ExposureReport) {
        var run = SessionRun(self)
        let papers = run.papers(seeds: seeds)
        return (papers, exposure(usage: run.usage, papers: seeds.count))
    }

    /// A session's papers a batch at a time, so that a large roster can be assembled
    /// between other work: the exposure history carries from batch to batch, so the
    /// papers are the same as `session(seeds:)` gives for all the seeds at once.
    public struct SessionRun: Sendable {
        let assembler: PaperAssembler
        var usage: [Int32]

        public init(_ assembler: PaperAssembler) {
            self.assembler = assembler
            self.usage = [Int32](repeating: 0, count: assembler.bank.items.count)
        }

        public mutating func papers(seeds: some Collection<UInt64>) -> [Paper] {
            var papers: [Paper] = []
            papers.reserveCapacity(seeds.count)
            for seed in seeds { papers.append(assembler.assemble(seed: seed, usage: &usage)) }
            return papers
        }
    }

    private func exposure(usage: [Int32], papers: Int) -> ExposureReport {
        let drawn = plans.flatMap(\.pool).map { Int(usage[$0]) }
        return ExposureReport(
            papers: papers,
            items: drawn.count,
            maximumUse: drawn.max() ?? 0,
            minimumUse: drawn.min() ?? 0,
            unused: drawn.count { $0 == 0 },
            subtests: plans.map { plan in
                let uses = plan.pool.map { Int(usage[$0]) }
                return SubtestExposure(subtest: plan.rule.code, maximumUse: uses.max() ?? 0, minimumUse: uses.min() ?? 0)
            }
        )
    }

    // MARK: - Assembly

    fileprivate func assemble(seed: UInt64, usage: inout [Int32]) -> Paper {
        var random = SeededGenerator(seed: seed)
        var canonical = canonicalHeader
        canonical.reserveCapacity(canonicalHeader.count + 40 * ruleSet.itemCount)
        canonical.append(contentsOf: "seed:\(seed)\n".utf8)
        var sections: [PaperSection] = []
        sections.reserveCapacity(plans.count)
        for plan in plans {
            let chosen = choose(plan, random: &random, usage: usage)
            let order = shuffled(chosen, plan, random: &random)
            canonical.append(contentsOf: plan.canonicalLine)
            var items: [PaperItem] = []
            items.reserveCapacity(order.count)
            for index in order {
                usage[index] += 1
                let optionOrder = shuffledOptions(fixed: fixedOptions[index], anyFixed: anyFixed[index], random: &random)
                canonical.append(contentsOf: canonicalPrefix[index])
                for option in optionOrder { canonical.append(UInt8(ascii: "A") + UInt8(option)) }
                canonical.append(UInt8(ascii: "\n"))
                let item = bank.items[index]
                items.append(PaperItem(itemID: item.id, itemVersion: item.version, optionOrder: optionOrder))
            }
            sections.append(PaperSection(subtest: plan.rule.code, items: items))
        }
        return Paper(
            ruleSetID: ruleSet.id,
            bankID: bank.id,
            bankVersion: bank.version,
            seed: seed,
            sections: sections,
            fingerprint: Self.hex(SHA256.hash(data: canonical)),
            bankContent: bank.contentDigest
        )
    }

    /// Positions (into `plan.pool`) of the items drawn for one subtest.
    private func choose(_ plan: SubtestPlan, random: inout SeededGenerator, usage: [Int32]) -> [Int] {
        let count = plan.pool.count
        // Least used first; a random draw breaks ties; the position makes keys unique.
        var keys = [UInt64](repeating: 0, count: count)
        for position in 0..<count {
            let use = UInt64(usage[plan.pool[position]])
            keys[position] = use << 40 | (random.next() >> 40) << 16 | UInt64(position)
        }
        keys.sort()

        var taken = [Bool](repeating: false, count: count)
        var chosen: [Int] = []
        chosen.reserveCapacity(plan.rule.items)
        var deficit = plan.difficultyTargets ?? [0, 0, 0]
        let mixed = plan.difficultyTargets != nil
        var quotaLeft = plan.topicQuota
        var freeLeft = plan.rule.items - plan.topicQuota.reduce(0, +)

        // One pass over all topics at once, least used first, so that no topic is served
        // before another; the second pass fills what the difficulty mix left open.
        for respectMix in [true, false] where chosen.count < plan.rule.items {
            for key in keys {
                let position = Int(key & 0xFFFF)
                if taken[position] { continue }
                if respectMix, mixed, deficit[plan.difficultyOf[position]] <= 0 { continue }
                let topic = plan.topicOf[position]
                if topic >= 0, quotaLeft[topic] > 0 {
                    quotaLeft[topic] -= 1
                } else if freeLeft > 0 {
                    freeLeft -= 1
                } else {
                    continue
                }
                taken[position] = true
                deficit[plan.difficultyOf[position]] -= 1
                chosen.append(position)
                if chosen.count == plan.rule.items { break }
            }
        }

        // Repair: where a level is over its target and another under, swap an item for an
        // unchosen one of the same topic (so quotas hold) with the missing difficulty.
        if mixed {
            repair: while let under = deficit.firstIndex(where: { $0 > 0 }) {
                for (slot, position) in chosen.enumerated() where deficit[plan.difficultyOf[position]] < 0 {
                    let topic = plan.topicOf[position]
                    if let swap = keys.lazy.map({ Int($0 & 0xFFFF) }).first(where: {
                        !taken[$0] && plan.difficultyOf[$0] == under && plan.topicOf[$0] == topic
                    }) {
                        taken[position] = false
                        taken[swap] = true
                        deficit[plan.difficultyOf[position]] += 1
                        deficit[under] -= 1
                        chosen[slot] = swap
                        continue repair
                    }
                }
                break
            }
        }
        return chosen
    }

    /// The chosen items in the candidate's order (bank indexes): shuffled, or, where the
    /// rule set keeps passages together, the items of one passage as one block in the
    /// bank's order and the blocks shuffled.
    private func shuffled(_ chosen: [Int], _ plan: SubtestPlan, random: inout SeededGenerator) -> [Int] {
        guard let passageOf = plan.passageOf else {
            var order = chosen.map { plan.pool[$0] }
            random.shuffle(&order)
            return order
        }
        var blocks: [[Int]] = []
        var blockOfPassage: [Int: Int] = [:]
        for position in chosen {
            let passage = passageOf[position]
            if passage >= 0, let block = blockOfPassage[passage] {
                blocks[block].append(position)
            } else {
                if passage >= 0 { blockOfPassage[passage] = blocks.count }
                blocks.append([position])
            }
        }
        random.shuffle(&blocks)
        // Pool positions follow the bank's order.
        return blocks.flatMap { $0.sorted().map { plan.pool[$0] } }
    }

    /// A permutation of the option indexes: fixed options stay, the others are shuffled
    /// among the remaining places.
    private func shuffledOptions(fixed: [Bool], anyFixed: Bool, random: inout SeededGenerator) -> [Int] {
        var order = Array(0..<fixed.count)
        guard anyFixed else {
            random.shuffle(&order)
            return order
        }
        let free = fixed.indices.filter { !fixed[$0] }
        guard free.count > 1 else { return order }
        var values = free
        random.shuffle(&values)
        for (slot, value) in zip(free, values) { order[slot] = value }
        return order
    }

    static func hex(_ digest: SHA256.Digest) -> String { Hex.encode(digest) }
}
