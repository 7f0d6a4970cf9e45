import ExamEngine
import Foundation

/// The repository root, found from this file's path, for tests that read the shipped
/// banks and rule sets.
let repositoryRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
}()

let fixtures = Bundle.module.resourcePath! + "/Fixtures"

/// A temporary folder holding the files a test writes; removed when released.
final class TemporaryFolder {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "seleksi-test-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    @discardableResult
    func write(_ name: String, _ text: String) -> String {
        let file = path + "/" + name
        try! FileManager.default.createDirectory(
            atPath: (file as NSString).deletingLastPathComponent,
            withIntermediateDirectories: true
        )
        try! Data(text.utf8).write(to: URL(fileURLWithPath: file))
        return file
    }
}

/// A small bank manifest: subtest A (right/wrong, topics x, y), subtest W (weighted, topic z).
let smallManifest = """
    bank: kecil
    version: "1"
    options: {min: 4, max: 5}
    subtests:
      A:
        name: Subtes A
        topics: {x: Topik X, y: Topik Y}
      W:
        name: Subtes W
        topics: {z: Topik Z}
    """

/// A rule set drawing 2 items of A (1 from topic x) and 1 of W from the small bank.
let smallRules = """
    id: kecil-1
    name: Aturan kecil
    bank: kecil
    duration_minutes: 10
    subtests:
      - code: A
        name: Subtes A
        items: 2
        scoring: {correct: 5, wrong: 0, blank: 0}
        topics: {x: 1}
      - code: W
        name: Subtes W
        items: 1
        scoring: {weights: {min: 1, max: 5, distinct: true}, blank: 0}
    """

/// A right/wrong item of subtest A in YAML (an entry of `items:`).
func rightWrongItem(_ id: String, topic: String = "x", difficulty: Int = 1, correct: Int = 0) -> String {
    var lines = [
        "  - id: \(id)", "    version: 1", "    subtest: A", "    topic: \(topic)", "    difficulty: \(difficulty)",
        "    stem: Soal \(id)", "    options:",
    ]
    for index in 0..<5 {
        lines.append("      - text: Opsi \(index) \(id)")
        if index == correct { lines.append("        correct: true") }
    }
    return lines.joined(separator: "\n")
}

/// A weighted item of subtest W in YAML (an entry of `items:`).
func weightedItem(_ id: String, weights: [Int] = [5, 4, 3, 2, 1]) -> String {
    var lines = [
        "  - id: \(id)", "    version: 1", "    subtest: W", "    topic: z", "    difficulty: 2", "    stem: Soal \(id)",
        "    options:",
    ]
    for (index, weight) in weights.enumerated() { lines.append("      - {text: Opsi \(index) \(id), weight: \(weight)}") }
    return lines.joined(separator: "\n")
}

/// Writes a small bank (manifest plus the given item files) and its rule set.
func smallBank(_ folder: TemporaryFolder, files: [String: String], rules: String = smallRules) -> (bank: String, rules: String) {
    folder.write("bank/bank.yaml", smallManifest)
    for (name, text) in files { folder.write("bank/" + name, text) }
    folder.write("rules/kecil-1.yaml", rules)
    return (folder.path + "/bank", folder.path + "/rules")
}

/// A valid small bank: three A items (two of x, one of y) and two W items.
func validSmallFiles() -> [String: String] {
    [
        "a.yaml": "items:\n"
            + [rightWrongItem("a-1"), rightWrongItem("a-2", correct: 3), rightWrongItem("a-3", topic: "y", correct: 4)].joined(separator: "\n"),
        "w.yaml": "items:\n" + [weightedItem("w-1"), weightedItem("w-2", weights: [1, 2, 3, 4, 5])].joined(separator: "\n"),
    ]
}

func loadSmall(_ folder: TemporaryFolder, files: [String: String], rules: String = smallRules) throws -> QuestionBank {
    let paths = smallBank(folder, files: files, rules: rules)
    let ruleSet = try RuleSetLoader.load(file: paths.rules + "/kecil-1.yaml")
    return try BankLoader.load(directory: paths.bank, ruleSets: [ruleSet])
}

/// The problems a load reports, or an empty list when it loads.
func problems(_ folder: TemporaryFolder, files: [String: String], rules: String = smallRules) -> [BankProblem] {
    do {
        _ = try loadSmall(folder, files: files, rules: rules)
        return []
    } catch let error as BankProblems {
        return error.problems
    } catch {
        return [BankProblem(code: "unexpected", file: "", line: nil, message: "\(error)")]
    }
}
