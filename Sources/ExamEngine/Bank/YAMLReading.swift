import Foundation
import Yams

/// Collects problems while a file is read, so that one pass reports all of them.
final class ProblemLog {
    private(set) var problems: [BankProblem] = []

    func add(_ code: String, _ file: String, _ line: Int?, item: String? = nil, _ message: String) {
        problems.append(BankProblem(code: code, file: file, line: line, itemID: item, message: message))
    }

    func append(contentsOf other: [BankProblem]) { problems.append(contentsOf: other) }

    var isEmpty: Bool { problems.isEmpty }
}

extension Node {
    var line: Int? { mark?.line }
}

/// Parses YAML text into a node tree, turning a syntax error into a problem with its line.
func parseYAML(_ text: String, file: String, log: ProblemLog) -> Node? {
    do {
        guard let node = try Yams.compose(yaml: text) else {
            log.add("empty-file", file, 1, "berkas kosong")
            return nil
        }
        return node
    } catch let error as YamlError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            log.add("yaml-syntax", file, mark.line, "YAML tidak valid: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            log.add(
                "duplicate-key",
                file,
                context.mark.line,
                "kunci ganda dalam satu pemetaan: \(duplicates.joined(separator: ", "))"
            )
        default:
            log.add("yaml-syntax", file, nil, "YAML tidak valid: \(error)")
        }
        return nil
    } catch {
        log.add("yaml-syntax", file, nil, "YAML tidak valid: \(error)")
        return nil
    }
}

/// Reads the fields of one YAML mapping, recording (never throwing) every problem with
/// the line it is on and the item it belongs to.
struct FieldReader {
    let node: Node
    let mapping: Node.Mapping
    let file: String
    let log: ProblemLog
    var itemID: String?

    /// Nil (with a problem recorded) when `node` is not a mapping.
    init?(_ node: Node, file: String, log: ProblemLog, what: String, itemID: String? = nil) {
        guard let mapping = node.mapping else {
            log.add("not-a-mapping", file, node.line, item: itemID, "\(what) harus berupa pemetaan (kunci: nilai)")
            return nil
        }
        self.node = node
        self.mapping = mapping
        self.file = file
        self.log = log
        self.itemID = itemID
    }

    var line: Int? { node.line }

    subscript(key: String) -> Node? { mapping[key] }

    func lineOf(_ key: String) -> Int? { mapping[key]?.line ?? node.line }

    func problem(_ code: String, at key: String? = nil, _ message: String) {
        log.add(code, file, key.map(lineOf) ?? line, item: itemID, message)
    }

    /// Records every key that is not in `allowed`.
    func rejectUnknownKeys(_ allowed: Set<String>) {
        for (key, _) in mapping {
            let name = key.string ?? "?"
            if !allowed.contains(name) {
                log.add(
                    "unknown-field",
                    file,
                    key.line,
                    item: itemID,
                    "kolom '\(name)' tidak dikenal (yang dikenal: \(allowed.sorted().joined(separator: ", ")))"
                )
            }
        }
    }

    func string(_ key: String, required: Bool = true, nonEmpty: Bool = true) -> String? {
        guard let value = mapping[key] else {
            if required { problem("missing-field", "kolom '\(key)' wajib diisi") }
            return nil
        }
        guard let scalar = value.scalar else {
            problem("wrong-type", at: key, "kolom '\(key)' harus berupa teks")
            return nil
        }
        let text = scalar.string.trimmingCharacters(in: .whitespacesAndNewlines)
        if nonEmpty, text.isEmpty {
            problem(key == "stem" ? "empty-stem" : "empty-field", at: key, "kolom '\(key)' kosong")
            return nil
        }
        return text
    }

    func int(_ key: String, required: Bool = true) -> Int? {
        guard let value = mapping[key] else {
            if required { problem("missing-field", "kolom '\(key)' wajib diisi") }
            return nil
        }
        guard let number = value.scalar.flatMap({ Int($0.string) }) else {
            problem("wrong-type", at: key, "kolom '\(key)' harus bilangan bulat, bukan '\(value.string ?? "?")'")
            return nil
        }
        return number
    }

    func bool(_ key: String) -> Bool? {
        guard let value = mapping[key] else { return nil }
        guard let flag = value.bool else {
            problem("wrong-type", at: key, "kolom '\(key)' harus true atau false")
            return nil
        }
        return flag
    }

    func sequence(_ key: String, required: Bool = true) -> [Node]? {
        guard let value = mapping[key] else {
            if required { problem("missing-field", "kolom '\(key)' wajib diisi") }
            return nil
        }
        guard let sequence = value.sequence else {
            problem("wrong-type", at: key, "kolom '\(key)' harus berupa daftar")
            return nil
        }
        return Array(sequence)
    }

    func submapping(_ key: String, required: Bool = true) -> Node.Mapping? {
        guard let value = mapping[key] else {
            if required { problem("missing-field", "kolom '\(key)' wajib diisi") }
            return nil
        }
        guard let map = value.mapping else {
            problem("wrong-type", at: key, "kolom '\(key)' harus berupa pemetaan (kunci: nilai)")
            return nil
        }
        return map
    }
}
