import SeleksiAuth

/// What each of a candidate's requests carries: the token issued at login and the device
/// it was issued to (the exam page sends its device id with every request). The store
/// keeps only the digest of the two together, so a token sent from another client (a
/// token read off a screen or a log) digests differently and matches nothing.
public struct CandidateCredential: Sendable, Hashable {
    public let token: String
    public let device: String

    public init(token: String, device: String) {
        self.token = token
        self.device = device
    }

    var digest: String { SecretToken.digest(device + "\n" + token) }
}
