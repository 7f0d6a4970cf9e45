import Foundation

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
    private var process: Process?
    private let output = OutputBuffer()

    init() {
        data = NSTemporaryDirectory() + "seleksi-e2e-" + UUID().uuidString
        httpsPort = Int.random(in: 20_000..<40_000)
        httpPort = httpsPort + 1
    }

    deinit {
        process?.terminate()
        try? FileManager.default.removeItem(atPath: data)
    }

    var printed: String { output.text }

    /// Starts the node and waits until it answers over HTTPS.
    func start(demo: Bool) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: seleksiBinary!)
        process.currentDirectoryURL = URL(fileURLWithPath: repositoryRoot)
        process.arguments = ["serve", "--data", data, "--https-port", String(httpsPort), "--http-port", String(httpPort)] + (demo ? ["--demo"] : [])
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        pipe.fileHandleForReading.readabilityHandler = { [output] handle in
            output.append(String(decoding: handle.availableData, as: UTF8.self))
        }
        try process.run()
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
    func curl(_ method: String, _ path: String, token: String? = nil, json: Any? = nil) throws -> (Int, Any?) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: which("curl")!)
        var arguments = ["-sk", "-X", method, "-o", "-", "-w", "\n%{http_code}", "https://127.0.0.1:\(httpsPort)\(path)", "--max-time", "5"]
        if let token { arguments += ["-H", "Authorization: Bearer \(token)"] }
        if let json {
            arguments += ["-H", "Content-Type: application/json", "--data-binary", String(decoding: try JSONSerialization.data(withJSONObject: json), as: UTF8.self)]
        }
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard let split = text.lastIndex(of: "\n"), let status = Int(text[text.index(after: split)...]), status > 0 else {
            throw CurlError(message: "no answer from the node")
        }
        let body = Data(text[..<split].utf8)
        return (status, try? JSONSerialization.jsonObject(with: body))
    }
}

/// What the node printed, collected from its pipe.
final class OutputBuffer: @unchecked Sendable {
    private let lock = NSLock()
    private var collected = ""

    var text: String { lock.withLock { collected } }

    func append(_ more: String) { lock.withLock { collected += more } }
}
