import ExamEngine
import Foundation

/// The reports of `seleksi bank validate` and `seleksi bank stats`.
enum BankReports {
    static func validate(directory: String, rulesDirectory: String) -> CommandResult {
        var result = CommandResult()
        let rules = RuleSetLoader.loadAll(directory: rulesDirectory)
        let library = BankLoader.loadLibrary(directory: directory, ruleSets: rules.ruleSets)
        let plans = SKBPlanLoader.loadAll(directory: rulesDirectory, ruleSets: rules.ruleSets)
        let problems = rules.problems + library.problems + plans.problems
        for bank in library.banks {
            let users = rules.ruleSets.filter { $0.bankID == bank.id }.map(\.id)
            result.line(
                "OK  bank \(bank.id) versi \(bank.version): \(bank.items.count) soal"
                    + (users.isEmpty ? "; tidak dipakai aturan mana pun" : "; cukup untuk \(users.joined(separator: ", "))")
            )
        }
        let loadedIDs = Set(library.banks.map(\.id))
        for ruleSet in rules.ruleSets where !loadedIDs.contains(ruleSet.bankID) && library.problems.isEmpty {
            result.line("catatan: aturan \(ruleSet.id) memakai bank '\(ruleSet.bankID)' yang tidak ada di \(directory)")
        }
        for plan in plans.plans {
            let parts = plan.components.map { "\($0.kind.label) \($0.weight)%" }.joined(separator: ", ")
            result.line("OK  rencana SKB \(plan.id): \(parts)")
        }
        if !problems.isEmpty {
            result.line("\(problems.count) masalah:")
            for problem in problems { result.line("  " + problem.description) }
            result.status = 2
        }
        return result
    }

    static func stats(directory: String, rulesDirectory: String) -> CommandResult {
        var result = CommandResult()
        let rules = RuleSetLoader.loadAll(directory: rulesDirectory)
        // Structure only: a bank short of items still gets counted, with its shortfalls.
        let library = BankLoader.loadLibrary(directory: directory, ruleSets: [])
        for bank in library.banks {
            result.line("Bank \(bank.id) versi \(bank.version) (\(bank.directory)): \(bank.items.count) soal")
            for subtest in bank.manifest.subtests {
                let items = bank.items.filter { $0.subtest == subtest.code }
                result.line("  \(subtest.code) \(subtest.name): \(items.count) soal  kesulitan " + difficultyCounts(items))
                for topic in subtest.topics {
                    let inTopic = items.filter { $0.topic == topic.code }
                    let count = String(inTopic.count).leftPadded(4)
                    result.line("    \(topic.code.padded(28)) \(count)  kesulitan " + difficultyCounts(inTopic))
                }
            }
            for ruleSet in rules.ruleSets where ruleSet.bankID == bank.id {
                let shortfalls = BankRuleCheck.shortfalls(items: bank.items, ruleSet: ruleSet)
                let draws = ruleSet.subtests.map { "\($0.code) \($0.items)" }.joined(separator: ", ")
                if shortfalls.isEmpty {
                    let ratio = ruleSet.subtests.map { rule in
                        let available = bank.items.count { $0.subtest == rule.code }
                        return "\(rule.code) \(String(format: "%.1f", Double(available) / Double(rule.items)))×"
                    }.joined(separator: ", ")
                    result.line("  aturan \(ruleSet.id) (\(draws)): cukup; persediaan \(ratio)")
                } else {
                    result.line("  aturan \(ruleSet.id) (\(draws)): KURANG")
                    for shortfall in shortfalls { result.line("    " + shortfall.description) }
                    result.status = 2
                }
            }
            result.line()
        }
        let loadedIDs = Set(library.banks.map(\.id))
        for ruleSet in rules.ruleSets where !loadedIDs.contains(ruleSet.bankID) {
            result.line("Aturan \(ruleSet.id): bank '\(ruleSet.bankID)' tidak ada di \(directory)")
        }
        let problems = rules.problems + library.problems
        if !problems.isEmpty {
            result.line("\(problems.count) masalah:")
            for problem in problems { result.line("  " + problem.description) }
            result.status = 2
        }
        return result
    }

    private static func difficultyCounts(_ items: [Item]) -> String {
        (1...3).map { level in "\(level):\(items.count { $0.difficulty == level })" }.joined(separator: " ")
    }
}

extension String {
    func padded(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
