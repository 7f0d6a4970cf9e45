/// What a rule set draws that a bank cannot supply.
public struct Shortfall: Sendable, Hashable, CustomStringConvertible {
    public enum Scope: Sendable, Hashable {
        case subtest
        case topic(String)
        case difficulty(Int)
    }

    public let ruleSetID: String
    public let subtest: String
    public let scope: Scope
    public let needed: Int
    public let available: Int

    public var description: String {
        let what =
            switch scope {
            case .subtest: "subtes \(subtest)"
            case .topic(let topic): "subtes \(subtest) topik \(topic)"
            case .difficulty(let level): "subtes \(subtest) kesulitan \(level)"
            }
        return "\(ruleSetID) menarik \(needed) soal \(what), bank hanya punya \(available) (kurang \(needed - available))"
    }
}

/// Checks a bank's items against the rule sets that draw from it: each item must be
/// scorable the way its subtest is scored, and there must be enough items.
public enum BankRuleCheck {
    static func problems(items: [Item], manifest: BankManifest, manifestFile: String, ruleSets: [RuleSet]) -> [BankProblem] {
        var problems: [BankProblem] = []
        for ruleSet in ruleSets {
            for rule in ruleSet.subtests {
                guard let declared = manifest.subtest(rule.code) else {
                    problems.append(
                        BankProblem(
                            code: "unknown-subtest",
                            file: ruleSet.source,
                            line: rule.line,
                            message: "aturan \(ruleSet.id) memakai subtes \(rule.code) yang tidak ada di bank \(manifest.id)"
                        )
                    )
                    continue
                }
                for quota in rule.topicQuotas where !declared.hasTopic(quota.topic) {
                    problems.append(
                        BankProblem(
                            code: "unknown-topic",
                            file: ruleSet.source,
                            line: rule.line,
                            message: "aturan \(ruleSet.id) memberi kuota untuk topik '\(quota.topic)' yang tidak ada di subtes \(rule.code)"
                        )
                    )
                }
                for item in items where item.subtest == rule.code {
                    if let message = mismatch(item, rule.scoring, ruleSet: ruleSet.id) {
                        problems.append(
                            BankProblem(code: message.code, file: item.origin.file, line: item.origin.line, itemID: item.id, message: message.text)
                        )
                    }
                }
            }
            for shortfall in shortfalls(items: items, ruleSet: ruleSet) {
                problems.append(
                    BankProblem(code: "too-few-items", file: manifestFile, line: nil, message: shortfall.description)
                )
            }
        }
        return problems
    }

    /// Why an item cannot be scored by `scoring`, or nil when it can.
    static func mismatch(_ item: Item, _ scoring: SubtestScoring, ruleSet: String) -> (code: String, text: String)? {
        switch (item.key, scoring) {
        case (.correct, .rightWrong):
            return nil
        case (.weights, .rightWrong):
            return ("expects-correct-option", "subtes \(item.subtest) dinilai benar/salah di \(ruleSet): tandai tepat satu opsi 'correct: true', bukan bobot")
        case (.correct, .weighted):
            return ("expects-weights", "subtes \(item.subtest) dinilai dengan bobot di \(ruleSet): setiap opsi perlu 'weight'")
        case (.weights(let weights), .weighted(let min, let max, let distinct, _)):
            let outside = zip(ItemOption.letters, weights).filter { !(min...max).contains($0.1) }
            if !outside.isEmpty {
                let list = outside.map { "\($0.0)=\($0.1)" }.joined(separator: ", ")
                return ("weight-out-of-range", "bobot di luar \(min)..\(max) yang diminta \(ruleSet): \(list)")
            }
            if distinct, Set(weights).count < weights.count {
                return (
                    "weights-not-distinct",
                    "\(ruleSet) meminta bobot yang berbeda-beda, tetapi ada yang sama: \(weights.map(String.init).joined(separator: ", "))"
                )
            }
            return nil
        }
    }

    /// Everything `ruleSet` draws that `items` cannot supply: per subtest, per topic
    /// quota, and per difficulty target.
    public static func shortfalls(items: [Item], ruleSet: RuleSet) -> [Shortfall] {
        var result: [Shortfall] = []
        for rule in ruleSet.subtests {
            let pool = items.filter { $0.subtest == rule.code }
            if pool.count < rule.items {
                result.append(Shortfall(ruleSetID: ruleSet.id, subtest: rule.code, scope: .subtest, needed: rule.items, available: pool.count))
            }
            for quota in rule.topicQuotas {
                let available = pool.count { $0.topic == quota.topic }
                if available < quota.count {
                    result.append(
                        Shortfall(ruleSetID: ruleSet.id, subtest: rule.code, scope: .topic(quota.topic), needed: quota.count, available: available)
                    )
                }
            }
            for (offset, needed) in (rule.difficultyTargets ?? []).enumerated() {
                let available = pool.count { $0.difficulty == offset + 1 }
                if available < needed {
                    result.append(
                        Shortfall(ruleSetID: ruleSet.id, subtest: rule.code, scope: .difficulty(offset + 1), needed: needed, available: available)
                    )
                }
            }
        }
        return result
    }
}
