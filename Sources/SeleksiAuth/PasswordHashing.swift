import HummingbirdBcrypt
import NIOPosix

/// bcrypt, run on the thread pool: a hash is tens of milliseconds of CPU (seconds under a
/// flood), which on an event loop would hold every other request on it.
public enum PasswordHashing {
    public static func hash(_ password: String, cost: Int) async throws -> String {
        let cost = UInt8(cost)
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    public static func verify(_ password: String, hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }

    /// A hash at `cost` that no password matches: an unknown name costs what a known one does.
    public static func unmatchable(cost: Int) -> String {
        "$2b$\(cost < 10 ? "0" : "")\(cost)$" + String(repeating: "A", count: 53)
    }
}
