public import Logging
public import NIOCore
import Synchronization

/// The connections a server holds at once, counted across its event loops: past the
/// maximum a new connection is closed as it arrives, before its TLS handshake costs
/// anything, so a flood of idle or slow clients cannot take every file descriptor.
public final class ConnectionLimit: Sendable {
    public let maximum: Int
    private let open = Atomic<Int>(0)

    public init(maximum: Int) { self.maximum = maximum }

    /// Connections held now.
    public var current: Int { open.load(ordering: .relaxed) }

    func acquire() -> Bool {
        let now = open.wrappingAdd(1, ordering: .relaxed).newValue
        if now <= maximum { return true }
        open.wrappingSubtract(1, ordering: .relaxed)
        return false
    }

    func release() { open.wrappingSubtract(1, ordering: .relaxed) }

    /// Counts its connection while the channel lives.
    public final class Handler: ChannelInboundHandler, RemovableChannelHandler {
        public typealias InboundIn = NIOAny
        let limit: ConnectionLimit
        let logger: Logger
        private var counted = false

        public init(limit: ConnectionLimit, logger: Logger) {
            self.limit = limit
            self.logger = logger
        }

        public func handlerAdded(context: ChannelHandlerContext) {
            if limit.acquire() {
                counted = true
            } else {
                logger.warning("koneksi ditolak: sudah \(limit.maximum) koneksi terbuka")
                context.close(promise: nil)
            }
        }

        public func handlerRemoved(context: ChannelHandlerContext) {
            if counted { limit.release() }
            counted = false
        }
    }
}
