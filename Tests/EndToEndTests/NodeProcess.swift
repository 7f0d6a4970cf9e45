import Foundation

#if canImport(Glibc)
import Glibc
#endif

let repositoryRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
}()

/// The `seleksi` executable next to the test bundle (built by `swift build --build-tests`).
let seleksiBinary: String? = {
    var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for _ in 0..<4 {
        let candidate = folder.appendingPathComponent("seleksi").path
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        folder.deleteLastPathComponent()
    }
    let built = repositoryRoot + "/.build/debug/seleksi"
    return FileManager.default.isExecutableFile(atPath: built) ? built : nil
}()

/// The tests' environment, and every `seleksi` they start ends with the test process
/// (`ParentWatch`): a crashed run leaves no server behind.
let childEnvironment = ProcessInfo.processInfo.environment.merging(["SELEKSI_EXIT_WITH_PARENT": String(getpid())]) { _, new in new }

func which(_ name: String) -> String? {
    for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
        let path = "\(folder)/\(name)"
        if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    return nil
}

/// A real `seleksi serve` process on its own data folder and ports.
final class NodeProcess: @unchecked Sendable {
    let data: String
    let httpsPort: Int
    let httpPort: Int
    /// `serve` runs the portal too, on ports of its own.
    let portalHTTPSPort: Int
    let portalHTTPPort: Int
    private var process: Process?
    private var log: String { data + ".log" }

    init() {
        data = NSTemporaryDirectory() + "seleksi-e2e-" + UUID().uuidString
        // Ports the kernel has just handed out as free: random ones collided now and then
        // with another test's server or an outgoing connection's ephemeral port.
        let ports = Self.freePorts(4)
        (httpsPort, httpPort, portalHTTPSPort, portalHTTPPort) = (ports[0], ports[1], ports[2], ports[3])
    }

    deinit {
        if let process {
            Foundation.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: data)
        try? FileManager.default.removeItem(atPath: log)
    }

    /// `count` distinct ports free on 127.0.0.1 now (bound to port 0, then released).
    static func freePorts(_ count: Int) -> [Int] {
        var descriptors: [Int32] = []
        var ports: [Int] = []
        defer { for descriptor in descriptors { close(descriptor) } }
        while ports.count < count {
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            descriptors.append(descriptor)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = 0
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                    bind(descriptor, pointer, length) == 0 && getsockname(descriptor, pointer, &length) == 0
                }
            }
            if bound { ports.append(Int(UInt16(bigEndian: address.sin_port))) }
        }
        return ports
    }

    /// What the node printed. Files, not pipes: a pipe inherited by another child
    /// process would never reach end-of-file.
    var printed: String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }

    /// The access code the demo printed for a participant (as an exam card would show it).
    func accessCode(_ number: String) throws -> String {
        guard let match = printed.firstMatch(of: try Regex("\(number) kode akses ([2-9A-Z]{4}-[2-9A-Z]{4})")) else {
            throw CurlError(message: "the demo printed no access code for \(number):\n\(printed)")
        }
        return String(match.output[1].substring ?? "")
    }

    /// Starts `seleksi serve` (node and portal) and waits until the node answers over HTTPS.
    func start(demo: Bool, arguments extra: [String] = []) throws {
        try launch(
            [
                "serve", "--data", data, "--https-port", String(httpsPort), "--http-port", String(httpPort),
                "--portal-https-port", String(portalHTTPSPort), "--portal-http-port", String(portalHTTPPort),
            ] + (demo ? ["--demo"] : []) + extra
        )
    }

    /// The node's own command line with its data folder and ports (`exam-node key`, `exam-node proctor`…), run to its end.
    func command(_ arguments: [String], config: String) throws -> String {
        try runSeleksi(arguments + ["--config", config, "--data", data]).output
    }

    /// Starts `seleksi exam-node run` alone, with `config`, and waits until it answers over HTTPS.
    func startNode(config: String) throws {
        try launch(["exam-node", "run", "--config", config, "--data", data, "--https-port", String(httpsPort), "--http-port", String(httpPort)])
    }

    private func launch(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: seleksiBinary!)
        process.currentDirectoryURL = URL(fileURLWithPath: repositoryRoot)
        process.arguments = arguments
        process.environment = childEnvironment
        if !FileManager.default.fileExists(atPath: log) { FileManager.default.createFile(atPath: log, contents: nil) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        try handle.seekToEnd()
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        try handle.close()
        self.process = process
        for _ in 0..<300 {
            if let (status, _) = try? curl("GET", "/api/exam/state"), status == 401 { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw CurlError(message: "node did not start:\n\(printed)")
    }

    /// SIGKILL: no shutdown code runs, as in a crash or a pulled plug.
    func kill() {
        guard let process else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        self.process = nil
    }

    struct CurlError: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    /// One HTTPS request through curl (the node's certificate is self-signed).
    func curl(_ method: String, _ path: String, token: String? = nil, device: String? = nil, json: Any? = nil) throws -> (Int, Any?) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: which("curl")!)
        var arguments = ["-sk", "-X", method, "-w", "\n%{http_code}", "https://127.0.0.1:\(httpsPort)\(path)", "--max-time", "5"]
        if let token { arguments += ["-H", "Authorization: Bearer \(token)"] }
        if let device { arguments += ["-H", "X-Seleksi-Device: \(device)"] }
        if let json {
            arguments += [
                "-H", "Content-Type: application/json", "--data-binary", String(decoding: try JSONSerialization.data(withJSONObject: json), as: UTF8.self),
            ]
        }
        let text = try runCurl(arguments)
        guard let split = text.lastIndex(of: "\n"), let status = Int(text[text.index(after: split)...]), status > 0 else {
            throw CurlError(message: "no answer from the node")
        }
        let body = Data(text[..<split].utf8)
        return (status, try? JSONSerialization.jsonObject(with: body))
    }
}

/// `seleksi ARGUMENTS` from the repository's root, run to its end: its exit status and
/// what it printed (through a temporary file, never a pipe).
func runSeleksi(_ arguments: [String]) throws -> (status: Int32, output: String) {
    let output = NSTemporaryDirectory() + "seleksi-command-" + UUID().uuidString
    defer { try? FileManager.default.removeItem(atPath: output) }
    FileManager.default.createFile(atPath: output, contents: nil)
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
    let process = Process()
    process.executableURL = URL(fileURLWithPath: seleksiBinary!)
    process.currentDirectoryURL = URL(fileURLWithPath: repositoryRoot)
    process.arguments = arguments
    process.environment = childEnvironment
    process.standardOutput = handle
    process.standardError = handle
    try process.run()
    process.waitUntilExit()
    try handle.close()
    return (process.terminationStatus, (try? String(contentsOfFile: output, encoding: .utf8)) ?? "")
}

/// Runs curl with its standard output in a temporary file (never a pipe) and returns it.
func runCurl(_ arguments: [String]) throws -> String {
    let output = NSTemporaryDirectory() + "seleksi-curl-" + UUID().uuidString
    defer { try? FileManager.default.removeItem(atPath: output) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: which("curl")!)
    FileManager.default.createFile(atPath: output, contents: nil)
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
    process.arguments = arguments
    process.standardOutput = handle
    process.standardError = FileHandle.nullDevice
    try process.run()
    try handle.close()
    process.waitUntilExit()
    return (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
}
