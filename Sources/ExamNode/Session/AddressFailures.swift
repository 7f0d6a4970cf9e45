import Synchronization

/// Wrong logins per client address, for the lockout time. Each participant number has its
/// own limit; this one stops a single PC from guessing across many numbers (a room shares
/// its session PIN, so the access code is the only secret left). Kept in memory: a restart
/// forgets it, while the per-candidate limit is in the store.
///
/// Logins being checked count against the limit until their outcome is known, so
/// concurrent guesses cannot all pass the check before any is counted (300 at once all
/// ran when the check came first). A login that would exceed the limit only if every
/// login in flight turned out wrong waits for them instead of being refused, so a burst
/// of right logins from one address is never turned away.
final class AddressFailures: Sendable {
    private struct Address {
        var failures: [Int64] = []
        var checking = 0
        var waiting: [CheckedContinuation<Decision, Never>] = []
    }

    private enum Decision {
        case go
        case refuse(waitMilliseconds: Int64)
        case retry
    }

    private let addresses = Mutex<[String: Address]>([:])

    /// Starts a login from `address`: nil when it may be checked now (end it with `end`),
    /// or the milliseconds until the address may try again.
    func begin(_ address: String, now: Int64, limit: Int, window: Int64) async -> Int64? {
        while true {
            let decision = await withCheckedContinuation { (continuation: CheckedContinuation<Decision, Never>) in
                let decided: Decision? = addresses.withLock { all in
                    // Addresses whose failures have all expired are forgotten, so a node that
                    // runs for weeks does not keep every address it ever saw.
                    if all.count > 10_000 {
                        all = all.filter { $0.value.checking > 0 || $0.value.failures.contains { $0 > now - window } }
                    }
                    var entry = all[address] ?? Address()
                    defer { all[address] = entry }
                    entry.failures.removeAll { $0 <= now - window }
                    if entry.failures.count >= limit, let oldest = entry.failures.first { return .refuse(waitMilliseconds: oldest + window - now) }
                    if entry.failures.count + entry.checking < limit {
                        entry.checking += 1
                        return .go
                    }
                    entry.waiting.append(continuation)
                    return nil
                }
                if let decided { continuation.resume(returning: decided) }
            }
            switch decision {
            case .go: return nil
            case .refuse(let wait): return wait
            case .retry: continue
            }
        }
    }

    /// Ends a login started by `begin`; a wrong guess stays counted.
    func end(_ address: String, wrongGuess: Bool, at now: Int64) {
        let waiting = addresses.withLock { all -> [CheckedContinuation<Decision, Never>] in
            guard var entry = all[address] else { return [] }
            entry.checking -= 1
            if wrongGuess { entry.failures.append(now) }
            let waiting = entry.waiting
            entry.waiting = []
            all[address] = entry.failures.isEmpty && entry.checking == 0 ? nil : entry
            return waiting
        }
        for continuation in waiting { continuation.resume(returning: .retry) }
    }
}
