import ExamEngine

/// A bank built in code with the shape of the SKD sample bank (3× each quota), so the
/// assembly and scoring properties do not depend on the wording of the real items.
func syntheticSKD() throws -> (bank: QuestionBank, rules: RuleSet) {
    let rules = try RuleSetLoader.load(file: repositoryRoot + "/Config/rules/skd-2024.yaml")
    var items: [Item] = []
    var subtests: [BankSubtest] = []
    for rule in rules.subtests {
        var topics: [BankTopic] = []
        for quota in rule.topicQuotas {
            topics.append(BankTopic(code: quota.topic, name: quota.topic))
            let count = quota.count * 3
            for number in 0..<count {
                // Difficulties in the proportions the rule set draws them, spread evenly
                // over every topic (golden-ratio sequence), so that exposure can balance.
                let spot = (Double(items.count { $0.subtest == rule.code }) * 0.618_033_988_75).truncatingRemainder(dividingBy: 1) * 100
                let percent = rule.difficultyPercent ?? [34, 33, 33]
                let difficulty = spot < Double(percent[0]) ? 1 : (spot < Double(percent[0] + percent[1]) ? 2 : 3)
                let id = "\(rule.code.lowercased())-\(quota.topic)-\(number)"
                let weighted = if case .weighted = rule.scoring { true } else { false }
                let weights = [(number % 5) + 1, ((number + 1) % 5) + 1, ((number + 2) % 5) + 1, ((number + 3) % 5) + 1, ((number + 4) % 5) + 1]
                let options = (0..<5).map { index in
                    ItemOption(
                        id: ItemOption.letters[index],
                        text: "\(id) opsi \(index)",
                        correct: !weighted && index == number % 5,
                        weight: weighted ? weights[index] : nil,
                        fixed: number % 7 == 0 && index == 4
                    )
                }
                items.append(
                    Item(
                        id: id,
                        version: 1,
                        subtest: rule.code,
                        topic: quota.topic,
                        difficulty: difficulty,
                        stem: "Soal \(id)",
                        options: options,
                        explanation: nil,
                        key: weighted ? .weights(weights) : .correct(optionIndex: number % 5),
                        origin: SourceLocation(file: "synthetic", line: items.count + 1)
                    )
                )
            }
        }
        subtests.append(BankSubtest(code: rule.code, name: rule.name, topics: topics))
    }
    let manifest = BankManifest(id: rules.bankID, version: "synthetic-1", title: "synthetic", optionCount: 4...5, subtests: subtests)
    return (QuestionBank(manifest: manifest, items: items, directory: "synthetic"), rules)
}
