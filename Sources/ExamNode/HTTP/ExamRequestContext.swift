public import Hummingbird
public import NIOCore
public import SeleksiHTTP

/// The request context of the node's routes.
public struct ExamRequestContext: RequestContext, ClientAddressContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    /// The signed-in proctor (set by `ProctorAuthMiddleware`).
    public var proctor: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    func requireProctor() throws -> String {
        guard let proctor else { throw ExamNodeError.proctorUnauthorized }
        return proctor
    }

    /// The client's address behind a trusted proxy (`ClientAddressMiddleware`).
    public var forwardedAddress: String?

    /// The client address for the per-address login limits.
    var clientAddress: String { forwardedAddress ?? remoteAddress?.ipAddress ?? "unknown" }

    /// Small enough that an oversized body is refused before it is read; a roster of a
    /// few thousand candidates fits.
    public var maxUploadSize: Int { 4 * 1024 * 1024 }
}
