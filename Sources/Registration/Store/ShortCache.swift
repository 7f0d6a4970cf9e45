import Foundation
import Synchronization

/// Values read by nearly every request and changed rarely (the current period, a
/// formation), each kept for one second. A save in this process clears them at once;
/// another process sees a change within the second.
final class ShortCache<Value: Sendable>: Sendable {
    private let entries = Mutex<[String: (value: Value, until: Date)]>([:])

    func get(_ key: String) -> Value? {
        entries.withLock { entries in
            guard let entry = entries[key], entry.until > Date() else { return nil }
            return entry.value
        }
    }

    func set(_ key: String, _ value: Value) {
        entries.withLock { entries in
            if entries.count > 10_000 { entries.removeAll() }
            entries[key] = (value, Date().addingTimeInterval(1))
        }
    }

    func clear() { entries.withLock { $0.removeAll() } }

    /// The cached value, or `load()`'s (cached).
    func value(_ key: String, load: () async throws -> Value) async rethrows -> Value {
        if let cached = get(key) { return cached }
        let value = try await load()
        set(key, value)
        return value
    }
}
