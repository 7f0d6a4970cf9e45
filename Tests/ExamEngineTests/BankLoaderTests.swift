import ExamEngine
import Foundation
import Testing

@Suite("Question bank loader")
struct BankLoaderTests {
    @Test("a valid bank loads every item, templates included")
    func validBank() throws {
        let folder = TemporaryFolder()
        let bank = try loadSmall(folder, files: validSmallFiles())
        #expect(bank.items.map(\.id) == ["a-1", "a-2", "a-3", "w-1", "w-2"])
        #expect(bank.item("a-2")?.key == .correct(optionIndex: 3))
        #expect(bank.item("w-2")?.key == .weights([1, 2, 3, 4, 5]))
        #expect(bank.item("a-1")?.origin.line == 2)
    }

    /// The codes of a load's problems.
    private func codes(_ files: [String: String], rules: String = smallRules) -> [String] {
        problems(TemporaryFolder(), files: files, rules: rules).map(\.code)
    }

    @Test("a duplicate id is reported with both places, and the bank does not load")
    func duplicateID() {
        var files = validSmallFiles()
        files["b.yaml"] = "items:\n" + rightWrongItem("a-1", topic: "y")
        let found = problems(TemporaryFolder(), files: files)
        #expect(found.map(\.code) == ["duplicate-id"])
        let problem = try! #require(found.first)
        #expect(problem.itemID == "a-1")
        #expect(problem.file.hasSuffix("bank/b.yaml"))
        #expect(problem.line == 2)
        #expect(problem.message.contains("bank/a.yaml:2"))
        #expect(problem.description.contains("b.yaml:2: soal a-1: id ganda"))
    }

    @Test("no correct option, and more than one, are refused")
    func correctOptionCount() {
        var files = validSmallFiles()
        files["b.yaml"] = "items:\n" + rightWrongItem("b-1", correct: 9)
        #expect(codes(files) == ["no-correct-option"])
        files["b.yaml"] = "items:\n" + rightWrongItem("b-1").replacingOccurrences(of: "Opsi 2 b-1", with: "Opsi 2 b-1\n        correct: true")
        #expect(codes(files) == ["extra-correct-option"])
    }

    @Test("weights out of the rule set's range, repeated, or missing are refused")
    func weights() {
        var files = validSmallFiles()
        files["w.yaml"] = "items:\n" + weightedItem("w-1", weights: [6, 4, 3, 2, 1])
        #expect(codes(files) == ["weight-out-of-range"])
        files["w.yaml"] = "items:\n" + weightedItem("w-1", weights: [5, 5, 3, 2, 1])
        #expect(codes(files) == ["weights-not-distinct"])
        files["w.yaml"] = "items:\n" + weightedItem("w-1").replacingOccurrences(of: ", weight: 3}", with: "}")
        #expect(codes(files).contains("missing-weight"))
    }

    @Test("a right/wrong item in a weighted subtest, and the reverse, are refused")
    func keyStyleMustFitTheSubtest() {
        var files = validSmallFiles()
        files["w.yaml"] =
            "items:\n" + weightedItem("w-1") + "\n"
            + rightWrongItem("w-2").replacingOccurrences(of: "subtest: A", with: "subtest: W").replacingOccurrences(of: "topic: x", with: "topic: z")
        #expect(codes(files) == ["expects-weights"])
    }

    @Test("empty stems and empty options are refused")
    func emptyText() {
        var files = validSmallFiles()
        files["b.yaml"] = "items:\n" + rightWrongItem("b-1").replacingOccurrences(of: "stem: Soal b-1", with: "stem: \"  \"")
        #expect(codes(files) == ["empty-stem"])
        files["b.yaml"] = "items:\n" + rightWrongItem("b-1").replacingOccurrences(of: "text: Opsi 2 b-1", with: "text: \"\"")
        #expect(codes(files) == ["empty-option"])
    }

    @Test("an unknown subtest or topic is refused, naming the known ones")
    func unknownSubtestOrTopic() {
        var files = validSmallFiles()
        files["b.yaml"] = "items:\n" + rightWrongItem("b-1").replacingOccurrences(of: "subtest: A", with: "subtest: Q")
        let subtest = problems(TemporaryFolder(), files: files)
        #expect(subtest.map(\.code) == ["unknown-subtest"])
        #expect(subtest.first?.message.contains("A, W") == true)
        files["b.yaml"] = "items:\n" + rightWrongItem("b-1", topic: "nope")
        #expect(codes(files) == ["unknown-topic"])
    }

    @Test("difficulty outside 1..3, a wrong option count and unknown fields are refused")
    func structure() {
        var files = validSmallFiles()
        files["b.yaml"] = "items:\n" + rightWrongItem("b-1", difficulty: 4)
        #expect(codes(files) == ["difficulty-out-of-range"])
        files["b.yaml"] = "items:\n" + rightWrongItem("b-1").components(separatedBy: "\n").dropLast(2).joined(separator: "\n")
        #expect(codes(files) == ["option-count"])
        files["b.yaml"] = "items:\n" + rightWrongItem("b-1") + "\n    colour: blue"
        #expect(codes(files) == ["unknown-field"])
    }

    @Test("a YAML syntax error names its line")
    func syntaxError() {
        var files = validSmallFiles()
        files["b.yaml"] = "items:\n  - id: b-1\n    stem: [unclosed\n"
        let found = problems(TemporaryFolder(), files: files)
        #expect(found.map(\.code) == ["yaml-syntax"])
        #expect(found.first?.line != nil)
    }

    @Test("fewer items than a rule set draws is a problem of the bank")
    func shortfall() {
        var files = validSmallFiles()
        files["w.yaml"] = "items: []"
        let found = problems(TemporaryFolder(), files: files)
        #expect(found.map(\.code) == ["too-few-items"])
        #expect(found.first?.message.contains("kecil-1 menarik 1 soal subtes W") == true)
        let quota = smallRules.replacingOccurrences(of: "topics: {x: 1}", with: "topics: {y: 2}")
        #expect(codes(validSmallFiles(), rules: quota).contains("too-few-items"))
    }

    @Test("every problem of every file is reported in one pass, and nothing loads")
    func allProblemsAtOnce() {
        var files = validSmallFiles()
        files["b.yaml"] = "items:\n" + rightWrongItem("b-1", difficulty: 0)
        files["c.yaml"] = "items:\n" + rightWrongItem("c-1", topic: "nope")
        let found = problems(TemporaryFolder(), files: files)
        #expect(Set(found.map(\.code)) == ["difficulty-out-of-range", "unknown-topic"])
        #expect(Set(found.compactMap(\.itemID)) == ["b-1", "c-1"])
    }

    @Test("a library with a broken bank still loads the good one, never half of the broken one")
    func library() {
        let folder = TemporaryFolder()
        _ = smallBank(folder, files: validSmallFiles())
        folder.write("lib/good/bank.yaml", smallManifest)
        for (name, text) in validSmallFiles() { folder.write("lib/good/" + name, text) }
        folder.write("lib/bad/bank.yaml", smallManifest.replacingOccurrences(of: "bank: kecil", with: "bank: rusak"))
        folder.write("lib/bad/a.yaml", "items:\n" + rightWrongItem("x-1", correct: 9))
        let result = BankLoader.loadLibrary(directory: folder.path + "/lib", ruleSets: [])
        #expect(result.banks.map(\.id) == ["kecil"])
        #expect(result.problems.map(\.code) == ["no-correct-option"])
    }
}
