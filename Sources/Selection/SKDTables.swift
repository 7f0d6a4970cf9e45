public import ExamEngine
import Foundation
public import SeleksiCore

/// The two tables `seleksi selection skd` reads: formations (`formation_id,type,quota`)
/// and scores (`participant_number,formation_id`, one column per subtest of the rule set
/// in lower case, `status` present/absent/disqualified, and an optional `reason`). Every
/// bad cell is named by its line and column.
public enum SKDTables {
    public static func formations(_ text: String) -> Result<[SKDFormation], SKDTableProblems> {
        let table: CSVTable
        do {
            table = try CSVTable.read(text)
        } catch {
            return .failure(SKDTableProblems(lines: [error.message]))
        }
        let columns = ["formation_id", "type", "quota"]
        var problems = table.headerProblems(required: columns)
        guard problems.isEmpty else { return .failure(SKDTableProblems(lines: problems)) }
        var formations: [SKDFormation] = []
        var seen: [String: Int] = [:]
        for (line, values) in table.rows {
            guard values.count == table.header.count else {
                problems.append("baris \(line): \(values.count) kolom, seharusnya \(table.header.count)")
                continue
            }
            let field = Dictionary(uniqueKeysWithValues: zip(table.header, values))
            var lineProblems: [String] = []
            let id = field["formation_id"] ?? ""
            if id.isEmpty { lineProblems.append("kolom formation_id: kosong") }
            if let earlier = seen[id] { lineProblems.append("kolom formation_id: \(id) sudah ada di baris \(earlier)") }
            let type = FormationType(rawValue: field["type"] ?? "")
            if type == nil {
                lineProblems.append(
                    "kolom type: '\(field["type"] ?? "")' bukan jenis formasi (\(FormationType.allCases.map(\.rawValue).joined(separator: ", ")))"
                )
            }
            let quota = Int(field["quota"] ?? "")
            if quota == nil || quota! < 0 { lineProblems.append("kolom quota: '\(field["quota"] ?? "")' harus bilangan bulat 0 atau lebih") }
            guard lineProblems.isEmpty, let type, let quota else {
                problems.append("baris \(line), " + lineProblems.joined(separator: "; "))
                continue
            }
            seen[id] = line
            formations.append(SKDFormation(id: id, type: type, quota: quota))
        }
        return problems.isEmpty ? .success(formations) : .failure(SKDTableProblems(lines: problems))
    }

    public static func scores(_ text: String, ruleSet: RuleSet) -> Result<[SKDCandidate], SKDTableProblems> {
        scoreRows(text, ruleSet: ruleSet).map { rows in rows.map(\.candidate) }
    }

    /// The scores table, each row with its line and every field by column, for a table
    /// that carries `extraColumns` too (required; the caller reads and checks them).
    static func scoreRows(
        _ text: String,
        ruleSet: RuleSet,
        extraColumns: [String] = []
    ) -> Result<[(candidate: SKDCandidate, line: Int, fields: [String: String])], SKDTableProblems> {
        let table: CSVTable
        do {
            table = try CSVTable.read(text)
        } catch {
            return .failure(SKDTableProblems(lines: [error.message]))
        }
        let subtests = ruleSet.subtests.map { ($0.code, $0.code.lowercased(), $0.maximumScore) }
        var problems = table.headerProblems(
            required: ["participant_number", "formation_id"] + subtests.map(\.1) + ["status"] + extraColumns,
            optional: ["reason"]
        )
        guard problems.isEmpty else { return .failure(SKDTableProblems(lines: problems)) }
        var candidates: [(candidate: SKDCandidate, line: Int, fields: [String: String])] = []
        var seen: [String: Int] = [:]
        for (line, values) in table.rows {
            guard values.count == table.header.count else {
                problems.append("baris \(line): \(values.count) kolom, seharusnya \(table.header.count)")
                continue
            }
            let field = Dictionary(uniqueKeysWithValues: zip(table.header, values))
            var lineProblems: [String] = []
            let number = field["participant_number"] ?? ""
            if number.isEmpty { lineProblems.append("kolom participant_number: kosong") }
            if let earlier = seen[number] { lineProblems.append("kolom participant_number: \(number) sudah ada di baris \(earlier)") }
            let formation = field["formation_id"] ?? ""
            if formation.isEmpty { lineProblems.append("kolom formation_id: kosong") }
            let status = field["status"] ?? ""
            var attendance: SKDCandidate.Attendance?
            switch status {
            case "present":
                var scores: [String: Int] = [:]
                for (code, column, maximum) in subtests {
                    let text = field[column] ?? ""
                    if let score = Int(text), (0...maximum).contains(score) {
                        scores[code] = score
                    } else {
                        lineProblems.append("kolom \(column): '\(text)' harus bilangan bulat 0-\(maximum)")
                    }
                }
                attendance = .present(scores: scores)
            case "absent": attendance = .absent
            case "disqualified":
                let reason = field["reason"] ?? ""
                if reason.isEmpty { lineProblems.append("kolom reason: peserta yang didiskualifikasi perlu alasannya") }
                attendance = .disqualified(reason: reason)
            default: lineProblems.append("kolom status: '\(status)' harus present, absent atau disqualified")
            }
            guard lineProblems.isEmpty, let attendance else {
                problems.append("baris \(line), " + lineProblems.joined(separator: "; "))
                continue
            }
            seen[number] = line
            candidates.append((SKDCandidate(participantNumber: number, formationID: formation, attendance: attendance), line, field))
        }
        return problems.isEmpty ? .success(candidates) : .failure(SKDTableProblems(lines: problems))
    }
}

public struct SKDTableProblems: Error, Sendable, Hashable, CustomStringConvertible {
    public let lines: [String]
    public var description: String { lines.joined(separator: "\n") }
}
