import Foundation
import Hummingbird
import Registration

/// Refuses a request that changes state when the browser says it comes from another site
/// (its `Origin`, or its `Referer` where a browser sends no `Origin`): a foreign page can
/// make a visitor's browser post a form, cookies and all, but not hide where it came from.
/// Requests without either header (API clients, curl) are left to their bearer token.
struct SameOriginMiddleware: RouterMiddleware {
    /// The configured public address; without it the request's own host is this site.
    let publicURL: String?

    func handle(_ request: Request, context: PortalRequestContext, next: (Request, PortalRequestContext) async throws -> Response) async throws -> Response {
        if ![.get, .head, .options].contains(request.method) {
            let claimed = request.headers[.origin].flatMap { $0 == "null" ? "null" : $0 } ?? request.headers[.referer]
            if let claimed, Self.origin(of: claimed) != expectedOrigin(request) { throw RegistrationError.crossSite }
        }
        return try await next(request, context)
    }

    func expectedOrigin(_ request: Request) -> String? {
        if let publicURL { return Self.origin(of: publicURL) }
        return request.head.authority.map { "https://" + $0.lowercased() }
    }

    /// `scheme://host[:port]` of a URL, lower-cased; nil for anything else.
    static func origin(of url: String) -> String? {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(), let host = components.host?.lowercased(), !host.isEmpty
        else { return nil }
        let port = components.port.map { ":\($0)" } ?? ""
        return "\(scheme)://\(host)\(port)"
    }
}
