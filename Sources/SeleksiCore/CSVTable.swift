import Foundation
import SwiftCSV

/// A CSV file with a header line, as people export it from a spreadsheet: comma or
/// semicolon separated, with or without a byte-order mark, quoted fields with `""`
/// escapes and line breaks (read by SwiftCSV). Each record keeps the line it starts on
/// as an editor shows it, so that a problem can name it.
public struct CSVTable: Sendable {
    /// The header's names, trimmed and lowercased, spaces and hyphens as underscores
    /// ("Unit Kerja" → `unit_kerja`).
    public let header: [String]
    /// Every record after the header, blank ones left out, with its first line.
    public let rows: [(line: Int, values: [String])]

    public static func read(_ text: String) throws(CSVTableError) -> CSVTable {
        let text = text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw CSVTableError(message: "berkas kosong") }
        let firstLine = trimmed[..<(trimmed.firstIndex(where: \.isNewline) ?? trimmed.endIndex)]
        // SwiftCSV loses an empty last field at the very end of the text: end with a line break.
        let body = trimmed + "\n"
        let csv: CSV<Enumerated>
        var records: [[String]] = []
        do {
            csv = try CSV<Enumerated>(
                string: body,
                delimiter: firstLine.contains(";") && !firstLine.contains(",") ? .semicolon : .comma,
                loadColumns: false
            )
            try csv.enumerateAsArray(startAt: 1, rowLimit: nil) { records.append($0) }
        } catch {
            throw CSVTableError(message: "CSV tidak dapat dibaca: \(error)")
        }
        // SwiftCSV gives records, not the lines an editor shows (a quoted field may hold a
        // line break): each record's first line is counted here.
        let leading = text.prefix { $0.isWhitespace }.filter(\.isNewline).count
        let starts = recordStartLines(body).map { $0 + leading }
        var rows: [(line: Int, values: [String])] = []
        for (index, values) in records.enumerated() where !values.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            // Should the two counts ever disagree, the record's number still points near it.
            let line = starts.count == records.count + 1 ? starts[index + 1] : index + 2
            rows.append((line, values.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }))
        }
        return CSVTable(header: csv.header.map(normalized), rows: rows)
    }

    /// "Unit Kerja", "unit_kerja", " UNIT-KERJA " → `unit_kerja`.
    public static func normalized(_ name: String) -> String {
        name.trimmingCharacters(in: .whitespacesAndNewlines).lowercased().replacingOccurrences(of: " ", with: "_").replacingOccurrences(of: "-", with: "_")
    }

    /// Problems with the header: a required column missing, an unknown one, one twice.
    public func headerProblems(required: [String], optional: [String] = []) -> [String] {
        var problems: [String] = []
        for name in header where !required.contains(name) && !optional.contains(name) {
            problems.append("baris 1: kolom '\(name)' tidak dikenal (kolom: \((required + optional).joined(separator: ", ")))")
        }
        for name in required where !header.contains(name) { problems.append("baris 1: kolom '\(name)' tidak ada") }
        for name in Set(header) where header.filter({ $0 == name }).count > 1 { problems.append("baris 1: kolom '\(name)' ada lebih dari sekali") }
        return problems.sorted()
    }

    /// The line (from 1) on which each record of `text` starts, blank ones included (as
    /// SwiftCSV returns them): line breaks inside double quotes belong to their field.
    public static func recordStartLines(_ text: String) -> [Int] {
        var starts = [1]
        var line = 1
        var quoted = false
        for character in text {
            if character == "\"" { quoted.toggle() }
            guard character.isNewline else { continue }
            line += 1
            if !quoted { starts.append(line) }
        }
        // The break that ends the last line starts no record.
        if text.last?.isNewline == true { starts.removeLast() }
        return starts
    }
}

public struct CSVTableError: Error, Sendable, Hashable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
