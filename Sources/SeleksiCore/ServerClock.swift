import Foundation
import Synchronization

/// The server's source of time, in milliseconds since 1970. Time belongs to the server;
/// tests inject a `ManualClock` and move it by hand (no sleeps).
public protocol ServerClock: Sendable {
    func nowMilliseconds() -> Int64
}

/// Wall-clock time of the machine running the node.
public struct SystemClock: ServerClock {
    public init() {}

    public func nowMilliseconds() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }
}

/// A clock that moves only when told to.
public final class ManualClock: ServerClock {
    private let now: Mutex<Int64>

    public init(_ start: Int64 = 1_800_000_000_000) { now = Mutex(start) }

    public func nowMilliseconds() -> Int64 { now.withLock { $0 } }

    public func advance(seconds: Double) { now.withLock { $0 += Int64(seconds * 1000) } }

    public func set(_ milliseconds: Int64) { now.withLock { $0 = milliseconds } }
}
