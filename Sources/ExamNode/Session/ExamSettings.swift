public import SeleksiCore

/// The node's time and safety rules, from configuration; tests pass their own.
public struct ExamSettings: Sendable {
    /// Answers arriving this long after the deadline are still accepted (network in flight).
    public var graceMilliseconds: Int64 = 5_000
    /// Wrong logins before a participant number is locked out, and for how long.
    public var maxFailedLogins = 5
    public var lockoutMilliseconds: Int64 = 5 * 60_000
    /// Wrong logins from one address within the lockout time before that address waits.
    public var loginFailuresPerAddress = 30
    /// How often the node records that it is alive; a longer silence is downtime.
    public var heartbeatMilliseconds: Int64 = 1_000
    /// Wrong proctor sign-ins from one address within the lockout time before it waits.
    public var proctorLoginFailuresPerAddress = 10
    /// The bcrypt cost of proctor passwords.
    public var proctorBcryptCost = 10
    /// Extra time a candidate may be given in all (their own and the session's extensions).
    public var maxExtensionMilliseconds: Int64 = 30 * 60_000
    /// How late after the opening a candidate may start, and whether that shortens their time.
    public var lateStart = LateStartRule()
    /// Reverse proxies whose `X-Forwarded-For` names the client (none by default).
    public var trustedProxies: [String] = []
    /// Proctor sign-ins last this long.
    public var proctorTokenMilliseconds: Int64 = 12 * 3_600_000
    /// The portal's key (`seleksi portal key`, `portal_public_key`): only roster packages it
    /// signed are imported. Nil: none can be.
    public var portalPublicKey: PublicSigningKey?
    /// This node's own key (`DATA/node-signing.key`): it signs the results packages.
    public var signingKey: SigningKey?
    /// The id of this node's own key: a roster package names the node it is for.
    public var ownKeyID: String? { signingKey?.publicKey.id }
    /// A roster package larger than this is refused before it is read.
    public var maxPackageBytes = 32 * 1_048_576
    /// Candidates written per transaction when a roster loads: a running session's saves
    /// wait for one batch at most (50: about 3 ms on the bench machine; 250 raised the
    /// saves' p99 during a 10,000-row load to 32 ms, 50 to 22-25 ms).
    public var rosterBatch = 50
    /// While a session is open, a roster load rests this many times as long as each batch
    /// took (2: it works at most a third of the time), so the room's saves keep their pace.
    public var rosterLoadRest = 2.0

    public init() {}
}
