import Foundation
public import Hummingbird

/// A query string read as browsers send a form with `method="get"`
/// (`application/x-www-form-urlencoded`): `+` is a space and both names and values
/// are percent-decoded. Hummingbird's own `queryParameters` keeps `+`, so a search
/// for "pranata komputer" would look for "pranata+komputer".
public enum FormQuery {
    public static func parameters(_ query: String?) -> Parameters {
        guard let query, !query.isEmpty else { return .init() }
        let pairs = query.split(separator: "&", omittingEmptySubsequences: true).map { pair -> (Substring, Substring) in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = decode(parts[0])
            let value = parts.count > 1 ? decode(parts[1]) : ""
            return (name[...], value[...])
        }
        return .init(pairs)
    }

    /// A malformed escape (`%zz`) is kept as written rather than dropping the field.
    static func decode(_ part: Substring) -> String {
        let spaced = part.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}

extension Request {
    /// The query as a browser's form sends it (see `FormQuery`).
    public var formQuery: Parameters { FormQuery.parameters(uri.query) }
}
