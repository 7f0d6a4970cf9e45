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

/// A source of elapsed time that never steps: the kernel's monotonic clock.
public protocol MonotonicSource: Sendable {
    /// Nanoseconds since an arbitrary fixed point.
    func nanoseconds() -> UInt64
}

public struct SystemMonotonic: MonotonicSource {
    public init() {}

    public func nanoseconds() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
}

/// A monotonic source that moves only when told to (tests).
public final class ManualMonotonic: MonotonicSource {
    private let now = Mutex<UInt64>(0)

    public init() {}

    public func nanoseconds() -> UInt64 { now.withLock { $0 } }

    public func advance(seconds: Double) { now.withLock { $0 += UInt64(seconds * 1_000_000_000) } }
}

/// Wall-clock time read once, at start, and carried forward by the monotonic clock. Within
/// the process nobody's deadline moves when the machine's clock is stepped (an operator
/// setting the time, NTP correcting a drifted venue PC by minutes); across a restart the
/// wall clock is read again and the heartbeat tells the downtime.
public final class AnchoredClock: ServerClock {
    private let wallAtStart: Int64
    private let monotonicAtStart: UInt64
    private let monotonic: any MonotonicSource

    public init(wall: any ServerClock = SystemClock(), monotonic: any MonotonicSource = SystemMonotonic()) {
        self.wallAtStart = wall.nowMilliseconds()
        self.monotonicAtStart = monotonic.nanoseconds()
        self.monotonic = monotonic
    }

    public func nowMilliseconds() -> Int64 {
        wallAtStart + Int64((monotonic.nanoseconds() &- monotonicAtStart) / 1_000_000)
    }
}
