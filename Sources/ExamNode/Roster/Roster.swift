public import ExamEngine
import Foundation
public import SeleksiCore
import SwiftCSV

/// One candidate of a session, as the roster gives them. Personal data stays at the
/// portal: the node gets the participant number, the name, the formation type, the
/// accommodations and the digest of the access code on the exam card (the second login
/// factor). No NIK, no birth date.
public struct RosterEntry: Sendable, Hashable, Codable {
    public let participantNumber: String
    public let name: String
    public let formationType: FormationType
    /// `AccessCode.digest` of the code on the exam card.
    public let accessCodeDigest: String
    public let accommodations: [String]

    public init(participantNumber: String, name: String, formationType: FormationType, accessCodeDigest: String, accommodations: [String] = []) {
        self.participantNumber = participantNumber
        self.name = name
        self.formationType = formationType
        self.accessCodeDigest = accessCodeDigest
        self.accommodations = accommodations
    }
}

/// Reads a roster file (CSV with a header line, or a JSON array), checking every line
/// and reporting every problem with its line: a roster loads whole or not at all.
public enum RosterParser {
    public static let csvHeader = ["participant_number", "name", "formation_type", "access_code", "accommodations"]

    public static func parse(_ text: String, ruleSet: RuleSet) -> Result<[RosterEntry], ExamNodeError> {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        var rows: [(line: Int, fields: [String: Any])] = []
        var problems: [String] = []
        if trimmed.hasPrefix("[") {
            guard let array = (try? JSONSerialization.jsonObject(with: Data(trimmed.utf8))) as? [Any] else {
                return .failure(.invalidRoster(["JSON tidak valid: harus berupa daftar objek peserta"]))
            }
            for (index, element) in array.enumerated() {
                guard let object = element as? [String: Any] else {
                    problems.append("entri \(index + 1): harus berupa objek")
                    continue
                }
                rows.append((index + 1, object))
            }
        } else {
            // SwiftCSV reads quoted fields, `""` escapes and line breaks inside quotes
            // ("Siti, S.Pd." and `Budi ""Bud"" Santoso` each stay one field).
            let csv: CSV<Enumerated>
            do {
                csv = try CSV<Enumerated>(string: trimmed, delimiter: .comma, loadColumns: false)
            } catch {
                return .failure(.invalidRoster(["CSV tidak valid: \(error)"]))
            }
            // The accommodations column may be left out; any other header is refused, so a
            // misnamed column never feeds the wrong field.
            let header = csv.header.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard header == csvHeader || header == Array(csvHeader.prefix(4)) else {
                return .failure(.invalidRoster(["baris 1: kepala kolom harus \(csvHeader.joined(separator: ","))"]))
            }
            var record = 1
            var parsed: [(Int, [String])] = []
            do {
                try csv.enumerateAsArray(startAt: 1, rowLimit: nil) { values in
                    record += 1
                    parsed.append((record, values))
                }
            } catch {
                return .failure(.invalidRoster(["CSV tidak valid: \(error)"]))
            }
            for (line, values) in parsed where !values.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
                if values.count < 4 || values.count > csvHeader.count {
                    problems.append("baris \(line): \(values.count) kolom, seharusnya 4 atau 5")
                    continue
                }
                var fields: [String: Any] = [:]
                for (name, value) in zip(csvHeader, values) { fields[name] = value.trimmingCharacters(in: .whitespaces) }
                if let list = fields["accommodations"] as? String {
                    fields["accommodations"] = list.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                }
                rows.append((line, fields))
            }
        }
        var entries: [RosterEntry] = []
        var seen: [String: Int] = [:]
        let what = trimmed.hasPrefix("[") ? "entri" : "baris"
        for (line, fields) in rows {
            let number = (fields["participant_number"] as? String)?.trimmingCharacters(in: .whitespaces) ?? ""
            let name = (fields["name"] as? String)?.trimmingCharacters(in: .whitespaces) ?? ""
            let type = (fields["formation_type"] as? String)?.trimmingCharacters(in: .whitespaces) ?? ""
            let code = AccessCode.normalized((fields["access_code"] as? String) ?? "")
            let accommodations = (fields["accommodations"] as? [String]) ?? []
            var lineProblems: [String] = []
            if number.isEmpty || number.count > 32 || !number.allSatisfy({ $0.isASCII && ($0.isNumber || $0.isLetter || $0 == "-") }) {
                lineProblems.append("nomor peserta '\(number)' tidak valid")
            } else if let earlier = seen[number] {
                lineProblems.append("nomor peserta \(number) sudah ada di \(what) \(earlier)")
            }
            if name.isEmpty { lineProblems.append("nama kosong") }
            let formation = FormationType(rawValue: type)
            if formation == nil {
                lineProblems.append("jenis formasi '\(type)' tidak dikenal (\(FormationType.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            if !AccessCode.isWellFormed(code) { lineProblems.append("kode akses harus \(AccessCode.length) huruf/angka dari kartu ujian") }
            for accommodation in accommodations where ruleSet.accommodations[accommodation] == nil {
                lineProblems.append("akomodasi '\(accommodation)' tidak dikenal dalam aturan \(ruleSet.id)")
            }
            if lineProblems.isEmpty, let formation {
                seen[number] = line
                entries.append(
                    RosterEntry(
                        participantNumber: number,
                        name: name,
                        formationType: formation,
                        accessCodeDigest: AccessCode.digest(code),
                        accommodations: accommodations
                    )
                )
            } else {
                problems.append("\(what) \(line): " + lineProblems.joined(separator: "; "))
            }
        }
        if entries.isEmpty, problems.isEmpty { problems.append("daftar peserta kosong") }
        return problems.isEmpty ? .success(entries) : .failure(.invalidRoster(problems))
    }
}
