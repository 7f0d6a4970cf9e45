import Synchronization

/// Wrong logins per client address, for the lockout time. Each participant number has its
/// own limit; this one stops a single PC from guessing across many numbers (a room shares
/// its session PIN, so a birth date is the only secret left). Kept in memory: a restart
/// forgets it, while the per-candidate limit is in the store.
final class AddressFailures: Sendable {
    private let failures = Mutex<[String: [Int64]]>([:])

    /// Milliseconds until `address` may try again, or nil if it may now.
    func wait(_ address: String, now: Int64, limit: Int, window: Int64) -> Int64? {
        failures.withLock { all in
            let recent = (all[address] ?? []).filter { $0 > now - window }
            all[address] = recent.isEmpty ? nil : recent
            guard recent.count >= limit, let oldest = recent.first else { return nil }
            return oldest + window - now
        }
    }

    func record(_ address: String, at now: Int64) {
        failures.withLock { $0[address, default: []].append(now) }
    }
}
