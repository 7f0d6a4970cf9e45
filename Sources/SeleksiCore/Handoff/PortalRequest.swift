public import Foundation

/// The portal calling a node (to load a roster package, to fetch results), signed with the
/// portal's key as a `SignedEnvelope` of kind `portal-request`: the node answers only the
/// portal it is configured with, only a request made for it (its key id), once, and only
/// within a few minutes of when it was made.
public struct PortalRequest: Sendable, Hashable, Codable {
    public static let kind = "portal-request"

    /// The key id of the node the request is for.
    public let nodeKeyID: String
    /// `roster` or `results`.
    public let purpose: String
    public let at: Int64
    /// For `results`: sessions whose results packages the portal already holds (the node leaves them out).
    public let have: [String]
    /// For `roster`: the SHA-256 (hex) of the package's bytes sent with the request.
    public let package: String?

    public init(nodeKeyID: String, purpose: String, at: Int64, have: [String] = [], package: String? = nil) {
        self.nodeKeyID = nodeKeyID
        self.purpose = purpose
        self.at = at
        self.have = have
        self.package = package
    }

    /// The header a roster push carries its request in (the envelope's JSON, base64).
    public static let header = "X-Seleksi-Portal-Request"

    public func sealed(with key: SigningKey) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return SignedEnvelope.seal(kind: Self.kind, payload: (try? encoder.encode(self)) ?? Data(), key: key).encoded()
    }
}

/// What a node answers a `PortalRequest` for results: its closed sessions' signed results
/// packages, each exactly as the node signed it.
public struct PulledResults: Sendable, Hashable, Codable {
    public let packages: [Data]

    public init(packages: [Data]) { self.packages = packages }
}
