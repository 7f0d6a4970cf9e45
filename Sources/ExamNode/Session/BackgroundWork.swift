import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Work a node does beside a running room (assembling a roster's papers): on a thread of
/// its own at a lower scheduling priority (nice 10), so that the kernel gives the processor
/// to the threads answering candidates first, and the cooperative pool, which serves their
/// requests, is never held by it.
enum BackgroundWork {
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                #if canImport(Glibc)
                // `gettid` is glibc's (unistd.h with _GNU_SOURCE, which the Glibc module does not export).
                typealias ThreadID = @convention(c) () -> Int32
                if let symbol = dlsym(nil, "gettid") {
                    _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), id_t(unsafeBitCast(symbol, to: ThreadID.self)()), 10)
                }
                #endif
                continuation.resume(with: Result { try body() })
            }
        }
    }
}
