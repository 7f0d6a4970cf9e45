import ExamEngine
import Foundation
import Testing
import Yams

/// The banks and rule sets the product ships.
@Suite("Shipped sample banks")
struct SampleBankTests {
    let ruleSets: [RuleSet]
    let banks: [QuestionBank]

    init() throws {
        let rules = RuleSetLoader.loadAll(directory: repositoryRoot + "/Config/rules")
        #expect(rules.problems.isEmpty, "\(rules.problems)")
        ruleSets = rules.ruleSets
        let library = BankLoader.loadLibrary(directory: repositoryRoot + "/QuestionBanks", ruleSets: ruleSets)
        #expect(library.problems.isEmpty, "\(library.problems.map(\.description).joined(separator: "\n"))")
        banks = library.banks
    }

    private var skd: QuestionBank { banks.first { $0.id == "skd-contoh" }! }

    @Test("every sample-bank item validates against every rule set that uses it")
    func everyItemValidates() {
        #expect(Set(banks.map(\.id)) == ["skd-contoh", "skb-pranata-komputer-contoh"])
    }

    @Test("the SKD bank holds at least three times each blueprint, over every sub-topic")
    func blueprintSupply() throws {
        let rules = try #require(ruleSets.first { $0.id == "skd-2024" })
        #expect(skd.items.count { $0.subtest == "TWK" } >= 90)
        #expect(skd.items.count { $0.subtest == "TIU" } >= 105)
        #expect(skd.items.count { $0.subtest == "TKP" } >= 135)
        for rule in rules.subtests {
            for quota in rule.topicQuotas {
                #expect(skd.items.count { $0.subtest == rule.code && $0.topic == quota.topic } >= 3 * quota.count, "\(rule.code)/\(quota.topic)")
            }
        }
    }

    @Test("papers from the sample bank meet the SKD blueprint exactly, difficulty mix included")
    func samplePapers() throws {
        let rules = try #require(ruleSets.first { $0.id == "skd-2024" })
        let assembler = try PaperAssembler(bank: skd, ruleSet: rules)
        let session = assembler.session(seeds: (1...300).map(UInt64.init))
        for paper in session.papers {
            for (section, rule) in zip(paper.sections, rules.subtests) {
                let items = section.items.map { skd.item($0.itemID)! }
                #expect(items.count == rule.items)
                #expect((1...3).map { level in items.count { $0.difficulty == level } } == rule.difficultyTargets)
            }
        }
        #expect(session.exposure.unused == 0)
    }

    /// Every template-generated key, recomputed by a second, independent evaluator
    /// (floating point, shunting-yard) straight from the YAML text.
    @Test("every template-generated key is right")
    func templateKeys() throws {
        var checked = 0
        for bank in banks {
            let files = try FileManager.default.subpathsOfDirectory(atPath: bank.directory).filter { $0.hasSuffix(".yaml") }
            for file in files {
                let text = try String(contentsOfFile: bank.directory + "/" + file, encoding: .utf8)
                guard let root = try Yams.load(yaml: text) as? [String: Any], let templates = root["templates"] as? [[String: Any]] else { continue }
                for template in templates {
                    let id = template["id"] as! String
                    let instances = template["instances"] as! [[String: Int]]
                    for (offset, values) in instances.enumerated() {
                        let item = try #require(bank.item("\(id)-\(offset + 1)"))
                        guard case .correct(let keyIndex) = item.key else {
                            Issue.record("\(item.id) has no single key")
                            continue
                        }
                        let keyText = item.options[keyIndex].text
                        if let compare = template["compare"] as? [String] {
                            let p = try evaluate(compare[0], values)
                            let q = try evaluate(compare[1], values)
                            #expect(keyText == (p > q ? "P > Q" : p < q ? "P < Q" : "P = Q"), "\(item.id)")
                        } else {
                            let answer = try evaluate(template["answer"] as! String, values)
                            #expect(answer == answer.rounded(), "\(item.id): answer \(answer) is not whole")
                            #expect(keyText == grouped(Int(answer)), "\(item.id): key \(keyText), expected \(answer)")
                            for distractor in template["distractors"] as! [String] {
                                #expect(try evaluate(distractor, values) != answer, "\(item.id): distractor \(distractor) equals the answer")
                            }
                        }
                        checked += 1
                    }
                }
            }
        }
        #expect(checked >= 40, "the SKD bank's numeric items come from templates")
    }
}

// MARK: - An independent evaluator for the cross-check

private struct EvaluationError: Error { let text: String }

private func grouped(_ value: Int) -> String {
    let formatter = NumberFormatter()
    formatter.numberStyle = .decimal
    formatter.groupingSeparator = "."
    formatter.usesGroupingSeparator = true
    return formatter.string(from: NSNumber(value: value))!
}

/// Shunting-yard over + - * / ^ and unary minus, in Double.
private func evaluate(_ expression: String, _ values: [String: Int]) throws -> Double {
    var output: [Double] = []
    var operators: [String] = []
    let precedence: [String: Int] = ["+": 1, "-": 1, "*": 2, "/": 2, "neg": 3, "^": 4]
    func apply(_ op: String) throws {
        if op == "neg" {
            guard let value = output.popLast() else { throw EvaluationError(text: expression) }
            output.append(-value)
            return
        }
        guard let b = output.popLast(), let a = output.popLast() else { throw EvaluationError(text: expression) }
        switch op {
        case "+": output.append(a + b)
        case "-": output.append(a - b)
        case "*": output.append(a * b)
        case "/": output.append(a / b)
        default: output.append(pow(a, b))
        }
    }
    var expectOperand = true
    var index = expression.startIndex
    while index < expression.endIndex {
        let character = expression[index]
        if character == " " {
            index = expression.index(after: index)
        } else if character.isNumber || character.isLetter || character == "_" {
            var end = index
            while end < expression.endIndex, expression[end].isNumber || expression[end].isLetter || expression[end] == "_" {
                end = expression.index(after: end)
            }
            let token = String(expression[index..<end])
            if let number = Double(token) {
                output.append(number)
            } else if let value = values[token] {
                output.append(Double(value))
            } else {
                throw EvaluationError(text: "unknown \(token)")
            }
            index = end
            expectOperand = false
        } else if character == "(" {
            operators.append("(")
            index = expression.index(after: index)
            expectOperand = true
        } else if character == ")" {
            while let top = operators.last, top != "(" { try apply(operators.removeLast()) }
            operators.removeLast()
            index = expression.index(after: index)
            expectOperand = false
        } else {
            let op = expectOperand && character == "-" ? "neg" : String(character)
            while let top = operators.last, top != "(", op != "neg",
                precedence[top]! > precedence[op]! || (precedence[top]! == precedence[op]! && op != "^")
            {
                try apply(operators.removeLast())
            }
            operators.append(op)
            index = expression.index(after: index)
            expectOperand = true
        }
    }
    while let op = operators.popLast() { try apply(op) }
    guard output.count == 1 else { throw EvaluationError(text: expression) }
    return output[0]
}
