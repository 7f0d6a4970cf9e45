import Hummingbird
public import Registration
import SeleksiAuth
public import SeleksiHTTP

extension RegistrationError: PublicError {}

/// Whether a request goes to the JSON API. By segments, as the router matches them:
/// `//api/x` reaches the same route as `/api/x`.
func isAPI(_ request: Request) -> Bool {
    request.uri.path.split(separator: "/", omittingEmptySubsequences: true).first == "api"
}

/// The session cookie's name; the cookie is HttpOnly, Secure and SameSite=Lax.
let sessionCookie = "seleksi_sesi"
/// The anonymous forms' CSRF cookie (double submit), for sign-up and login pages.
let formCookie = "seleksi_form"

/// Finds the caller: `Authorization: Bearer` first, then the session cookie. A
/// cookie-authenticated request that changes state must carry the session's CSRF
/// token (the `X-CSRF-Token` header for the API; forms check their field themselves).
struct AuthMiddleware: RouterMiddleware {
    let service: RegistrationService

    func handle(_ request: Request, context: PortalRequestContext, next: (Request, PortalRequestContext) async throws -> Response) async throws -> Response {
        var context = context
        if let header = request.headers[.authorization], header.hasPrefix("Bearer ") {
            // A token that ended (expired, signed out) makes the caller anonymous: public routes
            // answer as to anyone, and the others refuse as unauthenticated themselves.
            let token = String(header.dropFirst(7))
            if let session = try await service.authenticate(token: token) {
                context.session = session
                context.token = token
            }
        } else if let token = request.cookies[sessionCookie]?.value, let session = try await service.authenticate(token: token) {
            context.session = session
            context.token = token
            context.viaCookie = true
            let changesState = ![.get, .head].contains(request.method)
            if changesState, isAPI(request), !SecretToken.matches(request.headers[.init("X-CSRF-Token")!] ?? "", session.csrf) {
                throw RegistrationError.badCSRF
            }
        }
        return try await next(request, context)
    }
}
