import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension EndToEndTests {
    @Test("a client that sends its headers a byte at a time is dropped within the idle timeout; connections past the maximum are closed as they arrive")
    func slowClients() throws {
        guard requireTools(["curl": which("curl"), "seleksi": seleksiBinary]) else { return }
        let node = try Self.impatientNode()

        // One byte of a request line every 400 ms: never a whole header, so dropped.
        let (dropped, elapsed) = try Self.trickle(
            Array("GET /pengawas HTTP/1.1\r\nHost: x\r\nX-Slow: ".utf8) + Array(repeating: UInt8(ascii: "a"), count: 40),
            to: node.httpPort
        )
        #expect(dropped, "the slow client was still connected after \(elapsed) s")
        #expect(elapsed < 6, "dropped only after \(elapsed) s")

        // Seven connections at once where six are allowed: one of them (whichever the node
        // counts last) is closed at once, the others stay; when they go, it serves again.
        var held: [RawConnection] = []
        for _ in 0..<7 { held.append(try RawConnection(port: node.httpPort)) }
        var pollers = held.map { pollfd(fd: $0.descriptor, events: Int16(POLLIN), revents: 0) }
        _ = poll(&pollers, nfds_t(pollers.count), 1_000)
        let closed = held.filter { $0.closedByPeer(waitingMilliseconds: 0) }
        #expect(closed.count == 1)
        held.removeAll()
        var served = ""
        for _ in 0..<20 {
            served = try runCurl(["-s", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(node.httpPort)/"])
            if served == "308" { break }
        }
        #expect(served == "308")
    }
}

extension EndToEndTests {
    @Test("on the HTTPS port: a ClientHello trickled a byte at a time is dropped within the idle timeout; every TCP connection counts, before TLS")
    func slowHandshakes() throws {
        guard requireTools(["curl": which("curl"), "seleksi": seleksiBinary]) else { return }
        let node = try Self.impatientNode()

        // A TLS record header and the start of a ClientHello, one byte every 400 ms: the
        // handshake never completes, so the deadline closes it.
        let (dropped, elapsed) = try Self.trickle(
            [0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xFC, 0x03, 0x03] + Array(repeating: 0x2A, count: 40) as [UInt8],
            to: node.httpsPort
        )
        #expect(dropped, "the slow handshake was still open after \(elapsed) s")
        #expect(elapsed < 6, "dropped only after \(elapsed) s")

        // Seven TCP connections to the HTTPS port, none of them past TLS, where six are allowed.
        var held: [RawConnection] = []
        for _ in 0..<7 { held.append(try RawConnection(port: node.httpsPort)) }
        var pollers = held.map { pollfd(fd: $0.descriptor, events: Int16(POLLIN), revents: 0) }
        _ = poll(&pollers, nfds_t(pollers.count), 1_000)
        #expect(held.filter { $0.closedByPeer(waitingMilliseconds: 0) }.count == 1)
        held.removeAll()
        var served = ""
        for _ in 0..<20 {
            served = try runCurl(["-sk", "-o", "/dev/null", "-w", "%{http_code}", "https://127.0.0.1:\(node.httpsPort)/pengawas"])
            if served == "200" { break }
        }
        #expect(served == "200")
    }
}

extension EndToEndTests {
    /// A demo node that drops idle connections after 2 s and holds at most 6.
    static func impatientNode() throws -> NodeProcess {
        let config = NSTemporaryDirectory() + "seleksi-slow-\(UUID().uuidString).yaml"
        defer { try? FileManager.default.removeItem(atPath: config) }
        let base = try String(contentsOfFile: repositoryRoot + "/Config/exam-node.yaml", encoding: .utf8)
            .replacingOccurrences(of: "idle_timeout_seconds: 30", with: "idle_timeout_seconds: 2")
            .replacingOccurrences(of: "max_connections: 16384", with: "max_connections: 6")
        try base.write(toFile: config, atomically: true, encoding: .utf8)
        let node = NodeProcess()
        try node.start(demo: true, arguments: ["--config", config])
        return node
    }

    /// Sends `bytes` one every 400 ms; whether the server dropped the connection, and after how long.
    static func trickle(_ bytes: [UInt8], to port: Int) throws -> (dropped: Bool, seconds: Double) {
        let slow = try RawConnection(port: port)
        let began = Date()
        for byte in bytes {
            guard slow.send([byte]), !slow.closedByPeer(waitingMilliseconds: 400) else { return (true, Date().timeIntervalSince(began)) }
        }
        return (false, Date().timeIntervalSince(began))
    }
}

/// A plain TCP connection written byte by byte, as a slow client would.
final class RawConnection {
    let descriptor: Int32

    init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw NodeProcess.CurlError(message: "connect failed: \(errno)") }
    }

    deinit { close(descriptor) }

    func send(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } == bytes.count
    }

    /// Whether the server closed the connection (end of file or reset) within the wait.
    func closedByPeer(waitingMilliseconds: Int32) -> Bool {
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, waitingMilliseconds) > 0 else { return false }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let read = recv(descriptor, &buffer, buffer.count, 0)
        return read <= 0
    }
}
