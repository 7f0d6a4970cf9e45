import Foundation

/// How text is compared in a search: without regard to case, accents or spacing, so
/// "kupang" finds "Kupang" and "analis kebijakan" finds "Analis  Kebijakan". Both the
/// stored search text and the words searched for go through `fold`.
public enum SearchText {
    public static func fold(_ text: String) -> String {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
            .split(whereSeparator: \.isWhitespace)
            .joined(separator: " ")
    }

    /// The words of a search, folded, at most `limit` of them.
    public static func words(_ text: String, limit: Int = 5) -> [String] {
        fold(text).split(separator: " ").prefix(limit).map(String.init)
    }

    /// What a formation is found by: its agency, position, unit, location and majors.
    public static func formation(_ f: Formation, agencyName: String) -> String {
        fold([agencyName, f.position, f.unit, f.location, f.majors.joined(separator: " ")].joined(separator: " "))
    }
}
