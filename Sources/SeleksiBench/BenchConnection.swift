import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// One HTTP/1.1 connection over TLS, kept alive, for the load generators: requests are
/// written straight to a NIO channel and answered on its event loop, without the
/// pooling, redirects and task hops of a general HTTP client. The generator shares
/// the cores with the server it measures, so every cycle it spends is taken from the
/// server; this keeps that share small.
final class BenchConnection: Sendable {
    struct Reply: Sendable {
        let status: Int
        let body: ByteBuffer

        /// Throws, naming the request, the status and the error code, unless the status is `expected`.
        func expect(_ expected: Int, _ what: String) throws {
            guard status != expected else { return }
            let text = String(buffer: body)
            let code = text.firstMatch(of: /"code"\s*:\s*"([^"]+)"/).map { String($0.1) } ?? String(text.prefix(60))
            throw ExamBench.Failure(description: "\(what) \(status) \(code)")
        }
    }

    struct Closed: Error, CustomStringConvertible {
        var description: String { "koneksi tertutup" }
    }

    let channel: any Channel
    private let host: String

    private init(channel: any Channel, host: String) {
        self.channel = channel
        self.host = host
    }

    /// A client TLS context that accepts the node's self-signed certificate.
    static func tlsContext() throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .none
        return try NIOSSLContext(configuration: configuration)
    }

    /// Opens a new TCP connection to `host` (an IP address) and makes a full TLS handshake.
    static func connect(
        host: String,
        port: Int,
        tls: NIOSSLContext,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    )
        -> EventLoopFuture<BenchConnection>
    {
        ClientBootstrap(group: group)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tls, serverHostname: nil))
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(ReplyCollector())
                }
            }
            // An address, not a name: no resolver hop before each connection.
            .connect(to: try! SocketAddress(ipAddress: host, port: port))
            .map { BenchConnection(channel: $0, host: host) }
    }

    static func connect(host: String, port: Int, tls: NIOSSLContext) async throws -> BenchConnection {
        try await connect(host: host, port: port, tls: tls).get()
    }

    /// A connection to the server just started at `host:port`, once it answers `path` with
    /// `status`; tries for 30 s.
    static func whenServing(host: String, port: Int, tls: NIOSSLContext, path: String, status: Int) async throws -> BenchConnection {
        for _ in 0..<300 {
            if let connection = try? await connect(host: host, port: port, tls: tls) {
                if (try? await connection.send(.GET, path))?.status == status { return connection }
                connection.close()
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ExamBench.Failure(description: "tidak ada jawaban dari https://\(host):\(port)\(path)")
    }

    /// Sends one request; the future completes on the connection's event loop with the reply.
    func send(
        _ method: HTTPMethod,
        _ path: String,
        token: String? = nil,
        device: String? = nil,
        json: String? = nil,
        bytes: [UInt8]? = nil,
        close: Bool = false
    )
        -> EventLoopFuture<Reply>
    {
        let channel = self.channel
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: host)
        if let token { headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let device { headers.add(name: "X-Seleksi-Device", value: device) }
        if close { headers.add(name: "Connection", value: "close") }
        var body: ByteBuffer?
        if let json {
            headers.add(name: "Content-Type", value: "application/json")
            body = ByteBuffer(string: json)
        } else if let bytes {
            headers.add(name: "Content-Type", value: "application/octet-stream")
            body = ByteBuffer(bytes: bytes)
        }
        headers.add(name: "Content-Length", value: String(body?.readableBytes ?? 0))
        let head = HTTPRequestHead(version: .http1_1, method: method, uri: path, headers: headers)
        let body_ = body
        let write: @Sendable () -> EventLoopFuture<Reply> = {
            let promise = channel.eventLoop.makePromise(of: Reply.self)
            do {
                try channel.pipeline.syncOperations.handler(type: ReplyCollector.self).waiting.append(promise)
            } catch {
                promise.fail(Closed())
                return promise.futureResult
            }
            channel.write(HTTPClientRequestPart.head(head), promise: nil)
            if let body_ { channel.write(HTTPClientRequestPart.body(.byteBuffer(body_)), promise: nil) }
            channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
            return promise.futureResult
        }
        return channel.eventLoop.inEventLoop ? write() : channel.eventLoop.flatSubmit(write)
    }

    func send(
        _ method: HTTPMethod,
        _ path: String,
        token: String? = nil,
        device: String? = nil,
        json: String? = nil,
        bytes: [UInt8]? = nil,
        close: Bool = false
    ) async throws
        -> Reply
    {
        try await send(method, path, token: token, device: device, json: json, bytes: bytes, close: close).get()
    }

    func close() {
        channel.close(promise: nil)
    }
}

/// Collects each response (head, body, end) and completes the oldest waiting request.
private final class ReplyCollector: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart

    var waiting = CircularBuffer<EventLoopPromise<BenchConnection.Reply>>()
    private var status = 0
    private var body = ByteBuffer()

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            status = Int(head.status.code)
            body.clear()
        case .body(var part):
            body.writeBuffer(&part)
        case .end:
            let reply = BenchConnection.Reply(status: status, body: body)
            body = ByteBuffer()
            waiting.popFirst()?.succeed(reply)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        failAll(error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(BenchConnection.Closed())
        context.fireChannelInactive()
    }

    private func failAll(_ error: any Error) {
        while let promise = waiting.popFirst() { promise.fail(error) }
    }
}
