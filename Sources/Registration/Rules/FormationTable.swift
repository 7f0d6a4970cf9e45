import Crypto
import Foundation
public import SeleksiCore

/// An agency's formation table, as agencies publish it (CSV with a header line), read
/// into formations. Every line is checked and every problem reported with its line; the
/// table is then applied whole or not at all.
///
/// Columns, in any order (names as published: case, spaces and underscores do not
/// matter): `instansi` (code or full name), `jabatan`, `unit_kerja`, `lokasi`,
/// `pendidikan` (SMA, D3, D4, S1, S2, S3), `program_studi` (separated by `;`), `kuota`,
/// `jenis_formasi` (`umum`, `cumlaude`, … or the name on the pages) and `batas_usia`
/// (empty: 35). An optional `kode` names the formation; without it the code follows from
/// the agency, position, unit, location and type, so importing the same table again
/// updates those formations instead of adding them twice.
public enum FormationTable {
    public static let columns = ["instansi", "jabatan", "unit_kerja", "lokasi", "pendidikan", "program_studi", "kuota", "jenis_formasi", "batas_usia"]
    public static let optionalColumns = ["kode"]
    /// A table larger than this is refused before it is read (a national round has a few
    /// thousand formations per agency).
    public static let maxRows = 20_000
    public static let defaultMaxAge = 35

    /// One formation and the line it came from (the header is line 1; a quoted field
    /// with a line break in it still counts as one line).
    public struct Row: Sendable, Hashable {
        public let line: Int
        public let formation: Formation
    }

    /// The table was refused: each entry names its line.
    public struct Problems: Error, Sendable, Hashable {
        public let lines: [String]
    }

    public static func read(_ text: String, agencies: [Agency], periodID: String) -> Result<[Row], Problems> {
        let table: CSVTable
        do {
            table = try CSVTable.read(text)
        } catch {
            return .failure(Problems(lines: [error.message]))
        }
        let header = table.header
        var problems = table.headerProblems(required: columns, optional: optionalColumns)
        guard problems.isEmpty else { return .failure(Problems(lines: problems)) }
        guard table.rows.count <= maxRows else { return .failure(Problems(lines: ["tabel berisi \(table.rows.count) baris; paling banyak \(maxRows)"])) }

        var byCode: [String: Agency] = [:]
        var byName: [String: Agency] = [:]
        for agency in agencies {
            byCode[agency.id.lowercased()] = agency
            byName[normalizedText(agency.name)] = agency
        }
        var rows: [Row] = []
        var seen: [String: Int] = [:]
        for (line, values) in table.rows {
            guard values.count == header.count else {
                problems.append("baris \(line): \(values.count) kolom, seharusnya \(header.count)")
                continue
            }
            var field: [String: String] = [:]
            for (name, value) in zip(header, values) { field[name] = value }
            var lineProblems: [String] = []
            let agencyText = field["instansi"] ?? ""
            let agency = byCode[agencyText.lowercased()] ?? byName[normalizedText(agencyText)]
            if agency == nil { lineProblems.append("instansi '\(agencyText)' tidak dikenal (tambahkan dulu di halaman Instansi)") }
            let levelText = (field["pendidikan"] ?? "").uppercased().replacingOccurrences(of: "-", with: "")
            let level = EducationLevel(rawValue: levelText)
            if level == nil {
                lineProblems.append(
                    "pendidikan '\(field["pendidikan"] ?? "")' harus salah satu dari \(EducationLevel.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            let typeText = field["jenis_formasi"] ?? ""
            let type = formationType(typeText)
            if type == nil {
                lineProblems.append("jenis formasi '\(typeText)' tidak dikenal (\(FormationType.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            let quotaText = field["kuota"] ?? ""
            let quota = Int(quotaText)
            if quota == nil { lineProblems.append("kuota '\(quotaText)' harus bilangan bulat") }
            let ageText = field["batas_usia"] ?? ""
            let maxAge = ageText.isEmpty ? defaultMaxAge : Int(ageText)
            if maxAge == nil { lineProblems.append("batas usia '\(ageText)' harus bilangan bulat") }
            let majors = (field["program_studi"] ?? "").split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard lineProblems.isEmpty, let agency, let level, let type, let quota, let maxAge else {
                problems.append("baris \(line): " + lineProblems.joined(separator: "; "))
                continue
            }
            let position = field["jabatan"] ?? ""
            let unit = field["unit_kerja"] ?? ""
            let location = field["lokasi"] ?? ""
            let code =
                field["kode"].flatMap { $0.isEmpty ? nil : $0 }
                ?? derivedCode(period: periodID, agency: agency.id, position: position, unit: unit, location: location, type: type)
            let formation = Formation(
                id: code,
                periodID: periodID,
                agencyID: agency.id,
                agencyName: agency.name,
                position: position,
                unit: unit,
                location: location,
                educationLevel: level,
                majors: majors,
                quota: quota,
                type: type,
                maxAge: maxAge
            )
            var rowProblems = FormationRule.problems(formation)
            if let earlier = seen[code] { rowProblems.append("formasi \(code) sudah ada di baris \(earlier)") }
            guard rowProblems.isEmpty else {
                problems.append("baris \(line): " + rowProblems.joined(separator: "; "))
                continue
            }
            seen[code] = line
            rows.append(Row(line: line, formation: formation))
        }
        if rows.isEmpty, problems.isEmpty { problems.append("tabel tidak berisi formasi") }
        return problems.isEmpty ? .success(rows) : .failure(Problems(lines: problems))
    }

    /// `kemenkes-3f9a0c1d`: the agency's code and the first 8 hex digits of the SHA-256 of
    /// what makes the line the same formation (position, unit, location and type).
    public static func derivedCode(period: String, agency: String, position: String, unit: String, location: String, type: FormationType) -> String {
        // The period is in the digest: next year's same table makes next year's formations,
        // never edits (or is refused by) last year's. The agency part is cut so the code fits.
        let key = [period, position, unit, location, type.rawValue].map(normalizedText).joined(separator: "\u{1F}")
        return "\(agency.prefix(31))-" + SHA256.hash(data: Data(key.utf8)).prefix(4).map { String(format: "%02x", $0) }.joined()
    }

    static func formationType(_ text: String) -> FormationType? {
        let key = normalizedText(text)
        return FormationType.allCases.first { $0.rawValue == key || normalizedText($0.displayName) == key || (key == "umum" && $0 == .general) }
    }

    static func normalizedText(_ text: String) -> String {
        text.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
