import Foundation
import Yams

/// The codes and labels an announcement prints for each standing (`Config/result-codes.yaml`):
/// announcements change their codes between rounds, so the code decides nothing.
public struct ResultCodes: Sendable, Hashable {
    public struct Entry: Sendable, Hashable, Codable {
        public let code: String
        public let label: String
    }

    public let skd: [SKDStanding: Entry]
    /// The final result's (`FinalStanding`): L, L-1, L-2, TL, TH, DIS, TMS.
    public let final: [FinalStanding: Entry]

    public func skd(_ standing: SKDStanding) -> Entry { skd[standing]! }
    public func final(_ standing: FinalStanding) -> Entry { final[standing]! }

    /// Reads the file's text; every standing of each section must have its code and label.
    public static func parse(_ text: String, file: String = "result-codes.yaml") throws(SKDRankingError) -> ResultCodes {
        let document: [String: [String: Entry]]
        do {
            document = try YAMLDecoder().decode([String: [String: Entry]].self, from: text)
        } catch {
            throw SKDRankingError(message: "\(file): tidak dapat dibaca (\(error))")
        }
        if let unknown = document.keys.sorted().first(where: { !["skd", "final"].contains($0) }) {
            throw SKDRankingError(message: "\(file): bagian '\(unknown)' tidak dikenal (skd, final)")
        }
        return ResultCodes(
            skd: try section("skd", of: SKDStanding.self, document, file: file),
            final: try section("final", of: FinalStanding.self, document, file: file)
        )
    }

    private static func section<Standing: RawRepresentable & CaseIterable & Hashable>(
        _ name: String,
        of: Standing.Type,
        _ document: [String: [String: Entry]],
        file: String
    ) throws(SKDRankingError) -> [Standing: Entry] where Standing.RawValue == String {
        guard let section = document[name] else { throw SKDRankingError(message: "\(file): bagian '\(name)' tidak ada") }
        var entries: [Standing: Entry] = [:]
        for (key, entry) in section {
            guard let standing = Standing(rawValue: key) else {
                throw SKDRankingError(message: "\(file): \(name).\(key) tidak dikenal (\(Standing.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            guard !entry.code.isEmpty, !entry.label.isEmpty else { throw SKDRankingError(message: "\(file): \(name).\(key) perlu kode dan label") }
            entries[standing] = entry
        }
        if let missing = Standing.allCases.first(where: { entries[$0] == nil }) {
            throw SKDRankingError(message: "\(file): \(name).\(missing.rawValue) tidak ada")
        }
        return entries
    }
}
