public import ExamEngine
import Foundation
public import SeleksiCore

/// The three tables `seleksi selection final` reads: formations
/// (`formation_id,position,education,unit,type,quota`), SKD scores (as `SKDTables.scores`
/// plus `gpa` and `birth_date`) and SKB results (`participant_number,skb_percent,status`,
/// status `present`, `absent`, `disqualified` or `tms`). Every bad cell is named by its
/// line and column; a cross-table mistake (an SKB row for nobody) by its line too.
public enum FinalTables {
    public static func formations(_ text: String) -> Result<[FinalFormation], SKDTableProblems> {
        let table: CSVTable
        do {
            table = try CSVTable.read(text)
        } catch {
            return .failure(SKDTableProblems(lines: [error.message]))
        }
        let text = ["formation_id", "position", "education", "unit"]
        var problems = table.headerProblems(required: text + ["type", "quota"])
        guard problems.isEmpty else { return .failure(SKDTableProblems(lines: problems)) }
        var formations: [FinalFormation] = []
        var seen: [String: Int] = [:]
        for (line, values) in table.rows {
            guard values.count == table.header.count else {
                problems.append("baris \(line): \(values.count) kolom, seharusnya \(table.header.count)")
                continue
            }
            let field = Dictionary(uniqueKeysWithValues: zip(table.header, values))
            var lineProblems: [String] = []
            for column in text where (field[column] ?? "").isEmpty { lineProblems.append("kolom \(column): kosong") }
            let id = field["formation_id"] ?? ""
            if let earlier = seen[id], !id.isEmpty { lineProblems.append("kolom formation_id: \(id) sudah ada di baris \(earlier)") }
            let type = FormationType(rawValue: field["type"] ?? "")
            if type == nil {
                lineProblems.append(
                    "kolom type: '\(field["type"] ?? "")' bukan jenis formasi (\(FormationType.allCases.map(\.rawValue).joined(separator: ", ")))"
                )
            }
            let quota = Int(field["quota"] ?? "").flatMap { $0 >= 0 ? $0 : nil }
            if quota == nil { lineProblems.append("kolom quota: '\(field["quota"] ?? "")' harus bilangan bulat 0 atau lebih") }
            guard lineProblems.isEmpty, let type, let quota else {
                problems.append("baris \(line), " + lineProblems.joined(separator: "; "))
                continue
            }
            seen[id] = line
            formations.append(
                FinalFormation(id: id, position: field["position"]!, education: field["education"]!, unit: field["unit"]!, type: type, quota: quota)
            )
        }
        return problems.isEmpty ? .success(formations) : .failure(SKDTableProblems(lines: problems))
    }

    /// The candidates of the SKD table, each with their row of the SKB table (if any).
    /// `skdFile` and `skbFile` name the tables in the messages.
    public static func candidates(
        skd skdText: String,
        skb skbText: String,
        ruleSet: RuleSet,
        skdFile: String = "skd",
        skbFile: String = "skb"
    ) -> Result<[FinalCandidate], SKDTableProblems> {
        let rows: [(candidate: SKDCandidate, line: Int, fields: [String: String])]
        switch SKDTables.scoreRows(skdText, ruleSet: ruleSet, extraColumns: ["gpa", "birth_date"]) {
        case .success(let read): rows = read
        case .failure(let problems): return .failure(SKDTableProblems(lines: problems.lines.map { "\(skdFile): \($0)" }))
        }
        let skb: [String: (line: Int, result: FinalCandidate.SKB)]
        switch skbResults(skbText) {
        case .success(let read): skb = read
        case .failure(let problems): return .failure(SKDTableProblems(lines: problems.lines.map { "\(skbFile): \($0)" }))
        }
        var problems: [String] = []
        var candidates: [FinalCandidate] = []
        for (candidate, line, field) in rows {
            var lineProblems: [String] = []
            let gpa = hundredths(field["gpa"] ?? "", maximum: 10_000)
            if gpa == nil { lineProblems.append("kolom gpa: '\(field["gpa"] ?? "")' harus angka 0-100 dengan paling banyak dua desimal") }
            let birth = field["birth_date"] ?? ""
            if !isDate(birth) { lineProblems.append("kolom birth_date: '\(birth)' harus tanggal yyyy-mm-dd") }
            guard lineProblems.isEmpty, let gpa else {
                problems.append("\(skdFile): baris \(line), " + lineProblems.joined(separator: "; "))
                continue
            }
            candidates.append(FinalCandidate(skd: candidate, gpaHundredths: gpa, birthDate: birth, skb: skb[candidate.participantNumber]?.result ?? .none))
        }
        let known = Set(rows.map(\.candidate.participantNumber))
        for (number, row) in skb.sorted(by: { $0.value.line < $1.value.line }) where !known.contains(number) {
            problems.append("\(skbFile): baris \(row.line), kolom participant_number: \(number) tidak ada di tabel SKD")
        }
        return problems.isEmpty ? .success(candidates) : .failure(SKDTableProblems(lines: problems))
    }

    static func skbResults(_ text: String) -> Result<[String: (line: Int, result: FinalCandidate.SKB)], SKDTableProblems> {
        let table: CSVTable
        do {
            table = try CSVTable.read(text)
        } catch {
            return .failure(SKDTableProblems(lines: [error.message]))
        }
        var problems = table.headerProblems(required: ["participant_number", "skb_percent", "status"])
        guard problems.isEmpty else { return .failure(SKDTableProblems(lines: problems)) }
        var results: [String: (line: Int, result: FinalCandidate.SKB)] = [:]
        for (line, values) in table.rows {
            guard values.count == table.header.count else {
                problems.append("baris \(line): \(values.count) kolom, seharusnya \(table.header.count)")
                continue
            }
            let field = Dictionary(uniqueKeysWithValues: zip(table.header, values))
            var lineProblems: [String] = []
            let number = field["participant_number"] ?? ""
            if number.isEmpty { lineProblems.append("kolom participant_number: kosong") }
            if let earlier = results[number], !number.isEmpty {
                lineProblems.append("kolom participant_number: \(number) sudah ada di baris \(earlier.line)")
            }
            let percent = field["skb_percent"] ?? ""
            var result: FinalCandidate.SKB?
            switch field["status"] ?? "" {
            case "present":
                if let value = hundredths(percent, maximum: 10_000) {
                    result = .scored(hundredths: value)
                } else {
                    lineProblems.append("kolom skb_percent: '\(percent)' harus angka 0-100 dengan paling banyak dua desimal")
                }
            case "absent": result = .absent
            case "disqualified": result = .disqualified
            case "tms": result = .notEligible
            default: lineProblems.append("kolom status: '\(field["status"] ?? "")' harus present, absent, disqualified atau tms")
            }
            if result != nil, !percent.isEmpty, field["status"] != "present" {
                lineProblems.append("kolom skb_percent: kosongkan untuk status \(field["status"] ?? "")")
            }
            guard lineProblems.isEmpty, let result else {
                problems.append("baris \(line), " + lineProblems.joined(separator: "; "))
                continue
            }
            results[number] = (line, result)
        }
        return problems.isEmpty ? .success(results) : .failure(SKDTableProblems(lines: problems))
    }

    /// "83.25" (or "83,25") as 8325: at most two decimals, 0 to `maximum` hundredths.
    static func hundredths(_ text: String, maximum: Int) -> Int? {
        let parts = text.replacingOccurrences(of: ",", with: ".").split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty, parts[0].allSatisfy({ $0.isASCII && $0.isNumber }), let whole = Int(parts[0]), whole >= 0 else {
            return nil
        }
        var fraction = 0
        if parts.count == 2 {
            guard (1...2).contains(parts[1].count), parts[1].allSatisfy({ $0.isASCII && $0.isNumber }), let digits = Int(parts[1]) else { return nil }
            fraction = parts[1].count == 1 ? digits * 10 : digits
        }
        let (value, overflow) = whole.multipliedReportingOverflow(by: 100)
        guard !overflow, value + fraction <= maximum else { return nil }
        return value + fraction
    }

    /// `yyyy-mm-dd`, a real day of the Gregorian calendar.
    static func isDate(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]), (1900...2100).contains(year), (1...12).contains(month)
        else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return (1...days).contains(day)
    }
}
