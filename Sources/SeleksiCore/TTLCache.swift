import Synchronization

/// Values read by nearly every request and changed rarely (the current period, a
/// formation, the rendered formation list), each kept for a short lifetime measured on
/// the injected clock. A save in this process clears them at once; another process (a
/// second portal instance) sees a change within the lifetime.
public final class TTLCache<Value: Sendable>: Sendable {
    private struct Entry {
        let value: Value
        let expires: Int64
    }

    private let entries = Mutex<[String: Entry]>([:])
    private let clock: any ServerClock
    private let lifetime: Int64
    private let capacity: Int

    public init(clock: any ServerClock, lifetimeMilliseconds: Int64, capacity: Int = 10_000) {
        self.clock = clock
        self.lifetime = lifetimeMilliseconds
        self.capacity = capacity
    }

    public func get(_ key: String) -> Value? {
        let now = clock.nowMilliseconds()
        return entries.withLock { entries in
            guard let entry = entries[key], entry.expires > now else { return nil }
            return entry.value
        }
    }

    public func set(_ key: String, _ value: Value) {
        let expires = clock.nowMilliseconds() + lifetime
        entries.withLock { entries in
            // Many distinct keys (query strings) only ever fill it up to here.
            if entries.count >= capacity { entries.removeAll() }
            entries[key] = Entry(value: value, expires: expires)
        }
    }

    public func clear() { entries.withLock { $0.removeAll() } }

    /// The cached value, or `load()`'s (then cached).
    public func value(_ key: String, load: () async throws -> Value) async rethrows -> Value {
        if let cached = get(key) { return cached }
        let value = try await load()
        set(key, value)
        return value
    }
}
