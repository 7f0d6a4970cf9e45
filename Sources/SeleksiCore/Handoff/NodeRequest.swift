public import Foundation

/// A node asking the portal for something (its roster), signed with the node's key as a
/// `SignedEnvelope` of kind `node-request`: the signature is the node's credential, and
/// the time keeps a captured request from being usable for long.
public struct NodeRequest: Sendable, Hashable, Codable {
    public static let kind = "node-request"
    /// How far a request's time may be from the portal's clock.
    public static let maximumSkewMilliseconds: Int64 = 5 * 60_000

    public let nodeID: String
    /// `roster`.
    public let purpose: String
    public let at: Int64

    public init(nodeID: String, purpose: String, at: Int64) {
        self.nodeID = nodeID
        self.purpose = purpose
        self.at = at
    }

    public func sealed(with key: SigningKey) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return SignedEnvelope.seal(kind: Self.kind, payload: (try? encoder.encode(self)) ?? Data(), key: key).encoded()
    }
}
