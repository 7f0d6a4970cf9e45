import ArgumentParser
import ExamEngine
import Foundation

/// `seleksi paper`: assembles and prints one paper; the key only when asked.
struct PaperCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "paper",
        abstract: "Menyusun dan mencetak satu naskah dari aturan, bank, dan seed."
    )

    @Option(help: "Berkas aturan, misalnya Config/rules/skd-2024.yaml.")
    var rules: String

    @Option(help: "Seed naskah (bilangan bulat 0..2^64-1).")
    var seed: UInt64

    @Option(name: .customLong("bank"), help: "Folder bank (atau folder berisi beberapa bank).")
    var bankDirectory: String = Defaults.bankDirectory

    @Flag(name: .customLong("with-key"), help: "Ikut cetak kunci jawaban dan bobot.")
    var withKey = false

    @Flag(help: "Cetak sebagai JSON.")
    var json = false

    func run() throws {
        try PaperPrinter.run(rulesFile: rules, seed: seed, bankDirectory: bankDirectory, withKey: withKey, json: json).finish()
    }
}

enum PaperPrinter {
    static func run(rulesFile: String, seed: UInt64, bankDirectory: String, withKey: Bool, json: Bool) -> CommandResult {
        var result = CommandResult()
        let assembler: PaperAssembler
        switch loadAssembler(rulesFile: rulesFile, bankDirectory: bankDirectory) {
        case .success(let loaded): assembler = loaded
        case .failure(let failure): return failure
        }
        let (ruleSet, bank) = (assembler.ruleSet, assembler.bank)
        let paper = assembler.paper(seed: seed)
        if json {
            result.line(jsonText(paper, bank: bank, withKey: withKey))
            return result
        }
        result.line("Naskah \(ruleSet.id) (\(ruleSet.name)), bank \(bank.id) versi \(bank.version), seed \(seed)")
        result.line("Sidik jari SHA-256: \(paper.fingerprint)")
        result.line("\(paper.itemCount) soal, \(ruleSet.durationMinutes) menit")
        var number = 0
        var lastPassage: String?
        for section in paper.sections {
            let rule = ruleSet.subtest(section.subtest)
            result.line()
            result.line("== \(section.subtest) \(rule?.name ?? "") (\(section.items.count) soal)")
            for paperItem in section.items {
                guard let item = bank.item(paperItem.itemID) else { continue }
                number += 1
                result.line()
                // A passage is printed before the first of its items that follow one another.
                if let passage = item.passage, passage.id != lastPassage {
                    result.line("   Bacaan [\(passage.id) v\(passage.version)]: \(passage.text.replacingOccurrences(of: "\n", with: "\n   "))")
                    result.line()
                }
                lastPassage = item.passage?.id
                result.line("\(number). [\(item.id) v\(item.version)] \(item.stem.replacingOccurrences(of: "\n", with: "\n   "))")
                for (position, optionIndex) in paperItem.optionOrder.enumerated() {
                    let option = item.options[optionIndex]
                    var line = "   \(ItemOption.letters[position]). \(option.text)"
                    if withKey {
                        switch item.key {
                        case .correct(let index): if index == optionIndex { line += "   <- kunci (\(option.id))" }
                        case .weights(let weights): line += "   [bobot \(weights[optionIndex]), opsi \(option.id)]"
                        }
                    }
                    result.line(line)
                }
            }
        }
        return result
    }

    /// The rule set, its bank and an assembler over both, or the problems as a result to print (exit 2).
    static func loadAssembler(rulesFile: String, bankDirectory: String) -> Result<PaperAssembler, CommandResult> {
        var result = CommandResult(status: 2)
        do {
            let ruleSet = try RuleSetLoader.load(file: rulesFile)
            let bank = try BankLoader.load(bankID: ruleSet.bankID, under: bankDirectory, ruleSets: [ruleSet])
            return .success(try PaperAssembler(bank: bank, ruleSet: ruleSet))
        } catch let problems as BankProblems {
            result.line("\(problems.problems.count) masalah:")
            for problem in problems.problems { result.line("  \(problem)") }
        } catch {
            result.line("\(error)")
        }
        return .failure(result)
    }

    private static func jsonText(_ paper: Paper, bank: QuestionBank, withKey: Bool) -> String {
        var object: [String: Any] = [
            "rules": paper.ruleSetID, "bank": paper.bankID, "bankVersion": paper.bankVersion,
            "seed": paper.seed, "fingerprint": paper.fingerprint,
        ]
        object["sections"] = paper.sections.map { section in
            [
                "subtest": section.subtest,
                "items": section.items.map { paperItem -> [String: Any] in
                    let item = bank.item(paperItem.itemID)!
                    var entry: [String: Any] = [
                        "id": item.id, "version": item.version, "stem": item.stem,
                        "options": paperItem.optionOrder.map { ["id": item.options[$0].id, "text": item.options[$0].text] },
                    ]
                    if let passage = item.passage { entry["passage"] = ["id": passage.id, "version": passage.version, "text": passage.text] }
                    if withKey {
                        switch item.key {
                        case .correct(let index): entry["key"] = item.options[index].id
                        case .weights(let weights):
                            entry["weights"] = Dictionary(uniqueKeysWithValues: zip(item.options.map(\.id), weights))
                        }
                    }
                    return entry
                },
            ] as [String: Any]
        }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
