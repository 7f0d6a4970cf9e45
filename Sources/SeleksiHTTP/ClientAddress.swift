import Foundation
import HTTPTypes
public import Hummingbird

/// Which address a request comes from, for the per-address limits. Behind a reverse proxy
/// every request arrives from the proxy, so the proxy's `X-Forwarded-For` names the client;
/// but anyone can send that header, so it is believed only when the direct peer is a
/// configured trusted proxy, and then read from the right: the nearest address that is
/// not itself a trusted proxy is the client (what a client wrote further left is its own claim).
public enum ClientAddress {
    public static func resolve(peer: String, forwardedFor: String?, trustedProxies: Set<String>) -> String {
        guard trustedProxies.contains(peer), let forwardedFor else { return peer }
        let hops = forwardedFor.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        for hop in hops.reversed() where !trustedProxies.contains(hop) { return hop }
        return hops.first ?? peer
    }
}

/// A request context that can carry the client's address as a trusted proxy reported it.
public protocol ClientAddressContext: RemoteAddressRequestContext {
    var forwardedAddress: String? { get set }
}

/// Puts the client's address on the context when the peer is a trusted proxy (`trusted_proxies`).
public struct ClientAddressMiddleware<Context: ClientAddressContext>: RouterMiddleware {
    let trustedProxies: Set<String>

    public init(trustedProxies: Set<String>) { self.trustedProxies = trustedProxies }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard !trustedProxies.isEmpty, let peer = context.remoteAddress?.ipAddress else { return try await next(request, context) }
        let forwarded = request.headers[values: HTTPField.Name("X-Forwarded-For")!]
        var context = context
        context.forwardedAddress = ClientAddress.resolve(
            peer: peer,
            forwardedFor: forwarded.isEmpty ? nil : forwarded.joined(separator: ","),
            trustedProxies: trustedProxies
        )
        return try await next(request, context)
    }
}
