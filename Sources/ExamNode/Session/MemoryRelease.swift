import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Hands the pages a large roster's papers used back to the system once they are freed
/// (glibc keeps them for the process otherwise), so a node's memory falls again after an
/// import and after a session closes. On a thread of its own: trimming a large heap takes
/// a while, and no request waits for it.
enum MemoryRelease {
    static func returnFreedPages() {
        #if canImport(Glibc)
        Thread.detachNewThread {
            // `malloc_trim` is glibc's (malloc.h, which the Glibc module does not export).
            typealias Trim = @convention(c) (Int) -> Int32
            if let symbol = dlsym(nil, "malloc_trim") { _ = unsafeBitCast(symbol, to: Trim.self)(0) }
        }
        #endif
    }
}
