public import Hummingbird
public import NIOCore
public import Registration
public import SeleksiHTTP

/// The request context of the portal's routes: who is calling (from the session
/// cookie or a bearer token of the same table) and from which address.
public struct PortalRequestContext: RequestContext, ClientAddressContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    /// The signed-in session, if any.
    public var session: AuthSession?
    /// The raw token, so that logging out can end exactly this session.
    public var token: String?
    /// Whether the session came from the cookie, so that state-changing requests must
    /// carry its CSRF token.
    public var viaCookie = false

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// JSON and form bodies are small; document uploads read their own, smaller limit.
    public var maxUploadSize: Int { 1024 * 1024 + 64 * 1024 }

    /// The client's address behind a trusted proxy (`ClientAddressMiddleware`).
    public var forwardedAddress: String?

    /// The client address for the per-address limits.
    public var clientAddress: String { forwardedAddress ?? remoteAddress?.ipAddress ?? "unknown" }

    func applicantID() throws -> Int64 {
        guard case .applicant(let id) = session?.principal else {
            throw session == nil ? RegistrationError.unauthenticated : RegistrationError.forbidden
        }
        return id
    }

    func staff() throws -> StaffAccount {
        guard case .staff(let staff) = session?.principal else {
            throw session == nil ? RegistrationError.unauthenticated : RegistrationError.forbidden
        }
        return staff
    }
}
