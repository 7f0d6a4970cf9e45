import Foundation
import NIOCore
import Registration
import SeleksiCore
import Synchronization

/// Rendered answers of the public, read-heavy routes (the formation list and the
/// timetable), kept for a few seconds. Millions read the same few pages at a
/// deadline; an admin change in this process clears the cache at once, and other
/// portal instances behind the same database see it within `lifetime`.
final class PublicCache: Sendable {
    private struct Entry {
        let body: ByteBuffer
        let expires: Int64
    }

    private let entries = Mutex<[String: Entry]>([:])
    private let clock: any ServerClock
    private let lifetime: Int64

    init(clock: any ServerClock, lifetimeMilliseconds: Int64 = 5_000) {
        self.clock = clock
        self.lifetime = lifetimeMilliseconds
    }

    /// The cached body for `key`, or `make()`'s, stored for next time.
    func body(_ key: String, _ make: () async throws -> ByteBuffer) async throws -> ByteBuffer {
        let now = clock.nowMilliseconds()
        if let hit = entries.withLock({ $0[key] }), hit.expires > now { return hit.body }
        let body = try await make()
        entries.withLock { entries in
            if entries.count > 10_000 { entries.removeAll() }
            entries[key] = Entry(body: body, expires: now + lifetime)
        }
        return body
    }

    func clear() { entries.withLock { $0.removeAll() } }
}
