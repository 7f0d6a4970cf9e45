public import Foundation

/// The portal asking a node for something (its closed sessions' results packages), signed
/// with the portal's key as a `SignedEnvelope` of kind `portal-request`: the node answers
/// only the portal it is configured with, only a request made for it (its key id), and
/// only for a few minutes after it was made.
public struct PortalRequest: Sendable, Hashable, Codable {
    public static let kind = "portal-request"

    /// The key id of the node the request is for.
    public let nodeKeyID: String
    /// `results`.
    public let purpose: String
    public let at: Int64
    /// Sessions whose results packages the portal already holds (the node leaves them out).
    public let have: [String]

    public init(nodeKeyID: String, purpose: String, at: Int64, have: [String] = []) {
        self.nodeKeyID = nodeKeyID
        self.purpose = purpose
        self.at = at
        self.have = have
    }

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
