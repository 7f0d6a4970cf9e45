import Foundation
import Testing

extension EndToEndTests {
    @Test("a certificate configured under tls: is the one the node serves, and no self-signed one is made")
    func configuredCertificate() throws {
        guard requireTools(["curl": which("curl"), "seleksi": seleksiBinary]) else { return }
        let root = NSTemporaryDirectory() + "seleksi-cert-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let port = Int.random(in: 40_000..<50_000)

        // A first node makes its self-signed certificate; a second node is configured with it.
        let first = try ExamNodeRun(arguments: ["--data", root + "/first"], port: port, log: root + "/first.log")
        first.stop()
        let certificate = root + "/first/tls/localhost-cert.pem"
        let key = root + "/first/tls/localhost-key.pem"
        #expect(FileManager.default.fileExists(atPath: certificate))
        let config = root + "/node.yaml"
        try """
        host: 127.0.0.1
        rules: Config/rules
        banks: QuestionBanks
        tls:
          certificate: \(certificate)
          key: \(key)
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let second = try ExamNodeRun(arguments: ["--config", config, "--data", root + "/second"], port: port, log: root + "/second.log")
        defer { second.stop() }

        let served = try runCurl(["-sk", "-o", "/dev/null", "-w", "%{certs}", "https://127.0.0.1:\(port)/api/exam/state"])
        #expect(pemBody(served) == pemBody(try String(contentsOfFile: certificate, encoding: .utf8)))
        #expect(!FileManager.default.fileExists(atPath: root + "/second/tls"))
        #expect(!second.printed.contains("sertifikat swatanda"))
    }
}

/// The base64 body of the first PEM certificate in `text`, without line breaks.
private func pemBody(_ text: String) -> String? {
    guard let body = text.firstMatch(of: /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/)?.1 else { return nil }
    return body.filter { !$0.isWhitespace }
}

/// `seleksi exam-node` on its own, started and waited for until it answers over HTTPS.
private final class ExamNodeRun {
    let process = Process()
    let log: String

    init(arguments: [String], port: Int, log: String) throws {
        self.log = log
        process.executableURL = URL(fileURLWithPath: seleksiBinary!)
        process.currentDirectoryURL = URL(fileURLWithPath: repositoryRoot)
        process.arguments = ["exam-node"] + arguments + ["--https-port", String(port), "--http-port", String(port + 1)]
        FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        try handle.close()
        for _ in 0..<300 {
            let status = try? runCurl(["-sk", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "2", "https://127.0.0.1:\(port)/api/exam/state"])
            if status == "401" { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        stop()
        throw NodeProcess.CurlError(message: "exam-node did not start:\n\(printed)")
    }

    var printed: String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }
}
