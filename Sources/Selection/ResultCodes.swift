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

    public func skd(_ standing: SKDStanding) -> Entry { skd[standing]! }

    /// Reads the file's text; every SKD standing must have its code and label.
    public static func parse(_ text: String, file: String = "result-codes.yaml") throws(SKDRankingError) -> ResultCodes {
        let document: [String: [String: Entry]]
        do {
            document = try YAMLDecoder().decode([String: [String: Entry]].self, from: text)
        } catch {
            throw SKDRankingError(message: "\(file): tidak dapat dibaca (\(error))")
        }
        guard let section = document["skd"] else { throw SKDRankingError(message: "\(file): bagian 'skd' tidak ada") }
        var skd: [SKDStanding: Entry] = [:]
        for (key, entry) in section {
            guard let standing = SKDStanding(rawValue: key) else {
                throw SKDRankingError(message: "\(file): skd.\(key) tidak dikenal (\(SKDStanding.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            guard !entry.code.isEmpty, !entry.label.isEmpty else { throw SKDRankingError(message: "\(file): skd.\(key) perlu kode dan label") }
            skd[standing] = entry
        }
        if let missing = SKDStanding.allCases.first(where: { skd[$0] == nil }) {
            throw SKDRankingError(message: "\(file): skd.\(missing.rawValue) tidak ada")
        }
        return ResultCodes(skd: skd)
    }
}
