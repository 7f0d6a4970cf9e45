import ArgumentParser
import AsyncHTTPClient
import ExamNode
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import NIOPosix

/// `seleksi bench exam`: a real node in its own process, driven over HTTPS by this
/// process as the load generator. Measures, in the same run, the two physical limits
/// the figures are judged against: full TLS handshakes/s and durable commits/s.
struct ExamBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exam",
        abstract: "Start N peserta dalam T detik (TLS baru masing-masing), lalu simpan jawaban terus-menerus; cetak p50/p99 dan batas fisik.")

    @Option(help: "Jumlah peserta.")
    var candidates: Int = 5_000

    @Option(name: .customLong("arrival-seconds"), help: "Peserta datang merata dalam sekian detik.")
    var arrivalSeconds: Double = 10

    @Option(name: .customLong("save-seconds"), help: "Lama fase menyimpan jawaban.")
    var saveSeconds: Double = 20

    @Option(name: .customLong("save-connections"), help: "Koneksi keep-alive pada fase menyimpan.")
    var saveConnections: Int = 64

    @Option(name: .customLong("https-port"), help: "Port HTTPS node yang diuji.")
    var httpsPort: Int = 28_443

    @Flag(help: "Cetak satu objek JSON.")
    var json = false

    func run() async throws {
        guard candidates > 0, arrivalSeconds > 0, saveSeconds > 0, saveConnections > 0 else {
            throw ValidationError("semua angka harus lebih dari 0")
        }
        let bench = ExamBench(
            candidates: candidates, arrivalSeconds: arrivalSeconds, saveSeconds: saveSeconds, saveConnections: saveConnections,
            httpsPort: httpsPort)
        let figures = try await bench.run()
        if json {
            let data = try JSONSerialization.data(withJSONObject: figures, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print(ExamBench.describe(figures))
        }
    }
}

/// Latencies in milliseconds, kept from many tasks.
final class Samples: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Double] = []
    private var failures = 0

    func add(_ milliseconds: Double) { lock.withLock { values.append(milliseconds) } }
    func fail() { lock.withLock { failures += 1 } }

    var count: Int { lock.withLock { values.count } }
    var errors: Int { lock.withLock { failures } }

    func percentile(_ p: Double) -> Double {
        lock.withLock {
            guard !values.isEmpty else { return 0 }
            let sorted = values.sorted()
            return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
        }
    }
}

struct ExamBench {
    let candidates: Int
    let arrivalSeconds: Double
    let saveSeconds: Double
    let saveConnections: Int
    let httpsPort: Int

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    func run() async throws -> [String: Any] {
        let data = NSTemporaryDirectory() + "seleksi-bench-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: data) }
        let binary = CommandLine.arguments[0]

        // 1. The durable-write ceiling, at the node's own setting, on the same disk.
        let probe = try ExamDatabase.open(path: data + "/ceiling.sqlite")
        let commitCeiling = try await probe.measureCommitCeiling(commits: 2_000)

        // 2. The node, in its own process, with a proctor account.
        let proctorOutput = try runProcess(binary, ["exam-node", "proctor", "--username", "bench", "--data", data + "/node"])
        guard let password = proctorOutput.firstMatch(of: /kata sandi (\S+)/)?.1 else { throw Failure(description: "no proctor: \(proctorOutput)") }
        let node = Process()
        node.executableURL = URL(fileURLWithPath: binary)
        node.arguments = ["exam-node", "--data", data + "/node", "--https-port", String(httpsPort), "--http-port", String(httpsPort + 1)]
        let log = FileHandle(forWritingAtPath: "/dev/null")
        node.standardOutput = log
        node.standardError = log
        try node.run()
        defer {
            kill(node.processIdentifier, SIGTERM)
            node.waitUntilExit()
        }

        let group = MultiThreadedEventLoopGroup.singleton
        var configuration = HTTPClient.Configuration(certificateVerification: .none)
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = saveConnections
        let shared = HTTPClient(eventLoopGroup: group, configuration: configuration)
        defer { _ = shared.shutdown() }
        let base = "https://127.0.0.1:\(httpsPort)"
        var ready = false
        for _ in 0..<200 where !ready {
            if let status = try? await request(shared, "GET", base + "/api/exam/state").status, status == 401 { ready = true } else {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        guard ready else { throw Failure(description: "the node did not start") }

        // 3. A session with N candidates, papers assembled at roster load.
        let proctor = try await request(shared, "POST", base + "/api/proctor/login", json: ["username": "bench", "password": String(password)])
        let proctorToken = (proctor.body["token"] as? String) ?? ""
        let session = try await request(
            shared, "POST", base + "/api/proctor/sessions", token: proctorToken,
            json: ["venue": "Bench", "ruleSet": "skd-2024", "scheduledStart": 0])
        let sessionID = (session.body["id"] as? String) ?? ""
        let pin = (session.body["pin"] as? String) ?? ""
        var roster = "participant_number,name,formation_type,birth_date,accommodations\n"
        for index in 0..<candidates { roster += "B\(index),Peserta \(index),general,1999-01-01,\n" }
        let loadStart = ContinuousClock.now
        let loaded = try await request(shared, "POST", base + "/api/proctor/sessions/\(sessionID)/roster", token: proctorToken, raw: roster)
        let rosterSeconds = (ContinuousClock.now - loadStart).seconds
        guard loaded.status == 200 else { throw Failure(description: "roster: \(loaded.body)") }
        _ = try await request(shared, "POST", base + "/api/proctor/sessions/\(sessionID)/open", token: proctorToken)

        // 4. The TLS ceiling: full handshakes, one fresh connection per request.
        let handshakes = 1_000
        let handshakeStart = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            for worker in 0..<16 {
                tasks.addTask {
                    for _ in stride(from: worker, to: handshakes, by: 16) {
                        _ = try? await request(shared, "GET", base + "/api/exam/state", close: true)
                    }
                }
            }
            try await tasks.waitForAll()
        }
        let handshakeCeiling = Double(handshakes) / (ContinuousClock.now - handshakeStart).seconds

        // 5. Arrival: each candidate on a new TLS connection, login then paper.
        let starts = Samples()
        let tokens = TokenList(count: candidates)
        let papers = PaperList(count: candidates)
        let arrivalStart = ContinuousClock.now
        let clientConfiguration = configuration
        await withTaskGroup(of: Void.self) { tasks in
            for index in 0..<candidates {
                tasks.addTask {
                    try? await Task.sleep(until: arrivalStart + .milliseconds(Int(Double(index) * arrivalSeconds * 1000 / Double(candidates))))
                    let client = HTTPClient(eventLoopGroup: group, configuration: clientConfiguration)
                    let begin = ContinuousClock.now
                    do {
                        let login = try await request(
                            client, "POST", base + "/api/exam/login",
                            json: ["participantNumber": "B\(index)", "pin": pin, "birthDate": "1999-01-01", "device": "bench-\(index)"])
                        let token = (login.body["token"] as? String) ?? ""
                        // The paper is parsed after the arrival phase: a candidate's browser parses it on
                        // its own device, not on the cores the node is measured on.
                        let paper = try await request(client, "GET", base + "/api/exam/paper", token: token, parse: false)
                        if login.status == 200, paper.status == 200, paper.bytes.readableBytes > 0 {
                            starts.add((ContinuousClock.now - begin).seconds * 1000)
                            papers.set(index, token: token, paper: paper.bytes)
                        } else {
                            starts.fail()
                        }
                    } catch {
                        starts.fail()
                    }
                    try? await client.shutdown()
                }
            }
        }
        let arrivalWall = (ContinuousClock.now - arrivalStart).seconds
        for index in 0..<candidates {
            guard let (token, bytes) = papers.get(index),
                let paper = (try? JSONSerialization.jsonObject(with: Data(bytes.readableBytesView))) as? [String: Any],
                let items = paper["items"] as? [[String: Any]]
            else { continue }
            tokens.set(index, token: token, items: items.compactMap { item in
                (item["id"] as? String).flatMap { id in ((item["options"] as? [[String: Any]])?.first?["id"] as? String).map { (id, $0) } }
            })
        }

        // 6. Saves, continuously, over kept-alive connections.
        let saves = Samples()
        let saveStart = ContinuousClock.now
        let saveEnd = saveStart + .milliseconds(Int(saveSeconds * 1000))
        await withTaskGroup(of: Void.self) { tasks in
            for worker in 0..<saveConnections {
                tasks.addTask {
                    var round = 0
                    while ContinuousClock.now < saveEnd {
                        for index in stride(from: worker, to: candidates, by: saveConnections) where ContinuousClock.now < saveEnd {
                            guard let (token, items) = tokens.get(index), !items.isEmpty else { continue }
                            let (item, option) = items[round % items.count]
                            let begin = ContinuousClock.now
                            let sequence = round + 1
                            if let answer = try? await request(
                                shared, "PUT", base + "/api/exam/answers/\(item)", token: token, jsonText: #"{"option":"\#(option)","sequence":\#(sequence)}"#,
                                parse: false),
                                answer.status == 200
                            {
                                saves.add((ContinuousClock.now - begin).seconds * 1000)
                            } else {
                                saves.fail()
                            }
                        }
                        round += 1
                    }
                }
            }
        }
        let saveWall = (ContinuousClock.now - saveStart).seconds
        let savesPerSecond = Double(saves.count) / saveWall
        return [
            "bench": "exam", "candidates": candidates, "arrival_seconds": arrivalSeconds, "save_connections": saveConnections,
            "roster_load_seconds": rosterSeconds,
            "start_p50_ms": starts.percentile(0.5), "start_p99_ms": starts.percentile(0.99), "starts_ok": starts.count,
            "start_errors": starts.errors, "arrival_wall_seconds": arrivalWall,
            "saves_per_second": savesPerSecond, "save_p50_ms": saves.percentile(0.5), "save_p99_ms": saves.percentile(0.99),
            "saves": saves.count, "save_errors": saves.errors,
            "tls_handshakes_per_second_ceiling": handshakeCeiling, "durable_commits_per_second_ceiling": commitCeiling,
            "saves_to_commit_ceiling_ratio": savesPerSecond / commitCeiling,
            "goals": "start p99 < 1000 ms for 5000 in 10 s; >= 5000 saves/s with p99 < 25 ms; 0 errors",
        ]
    }

    static func describe(_ f: [String: Any]) -> String {
        func n(_ key: String) -> Double { (f[key] as? Double) ?? Double(f[key] as? Int ?? 0) }
        return String(
            format: """
                bench exam: %d peserta datang dalam %.0f s (TLS baru masing-masing), lalu simpan lewat %d koneksi keep-alive
                  daftar peserta + penyusunan naskah: %.2f s
                  start (login + naskah): p50 %.1f ms, p99 %.1f ms; %d berhasil, %d galat (sasaran p99 < 1000 ms)
                  simpan jawaban: %.0f/s, p50 %.2f ms, p99 %.2f ms; %d galat (sasaran >= 5.000/s, p99 < 25 ms)
                  batas fisik mesin ini: %.0f jabat tangan TLS penuh/s; %.0f commit tahan-mati/s (1 baris, synchronous=FULL)
                  rasio simpan/commit tunggal: %.2f (di atas 1 berkat commit berkelompok)
                """,
            Int(n("candidates")), n("arrival_seconds"), Int(n("save_connections")), n("roster_load_seconds"),
            n("start_p50_ms"), n("start_p99_ms"), Int(n("starts_ok")), Int(n("start_errors")),
            n("saves_per_second"), n("save_p50_ms"), n("save_p99_ms"), Int(n("save_errors")),
            n("tls_handshakes_per_second_ceiling"), n("durable_commits_per_second_ceiling"), n("saves_to_commit_ceiling_ratio"))
    }
}

/// Each candidate's token and paper as received.
final class PaperList: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [(String, ByteBuffer)?]

    init(count: Int) { entries = Array(repeating: nil, count: count) }

    func set(_ index: Int, token: String, paper: ByteBuffer) { lock.withLock { entries[index] = (token, paper) } }
    func get(_ index: Int) -> (String, ByteBuffer)? { lock.withLock { entries[index] } }
}

/// Each candidate's token and, per item of their paper, one option to answer with.
final class TokenList: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [(String, [(String, String)])?]

    init(count: Int) { entries = Array(repeating: nil, count: count) }

    func set(_ index: Int, token: String, items: [(String, String)]) { lock.withLock { entries[index] = (token, items) } }
    func get(_ index: Int) -> (String, [(String, String)])? { lock.withLock { entries[index] } }
}

struct BenchResponse {
    let status: Int
    let body: [String: Any]
    /// The body as received, for parsing later (outside a timed phase).
    let bytes: ByteBuffer
}

/// One request; `close` asks for a fresh connection (a full TLS handshake) next time.
func request(
    _ client: HTTPClient, _ method: String, _ url: String, token: String? = nil, json: [String: Any]? = nil, raw: String? = nil,
    bytes: [UInt8]? = nil, jsonText: String? = nil, close: Bool = false, parse: Bool = true
) async throws -> BenchResponse {
    var request = HTTPClientRequest(url: url)
    request.method = .RAW(value: method)
    if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
    if close { request.headers.add(name: "Connection", value: "close") }
    if let json {
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json)))
    } else if let jsonText {
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: jsonText))
    } else if let raw {
        request.body = .bytes(ByteBuffer(string: raw))
    } else if let bytes {
        request.headers.add(name: "Content-Type", value: "application/octet-stream")
        request.body = .bytes(ByteBuffer(bytes: bytes))
    }
    let response = try await client.execute(request, timeout: .seconds(60))
    let bytes = try await response.body.collect(upTo: 8 * 1024 * 1024)
    // The generator shares the cores with the server: it parses only what it will read.
    let object = parse ? (try? JSONSerialization.jsonObject(with: Data(bytes.readableBytesView))) as? [String: Any] ?? [:] : [:]
    return BenchResponse(status: Int(response.status.code), body: object, bytes: bytes)
}

/// Runs a command to completion and returns what it printed (through a file, not a pipe).
func runProcess(_ binary: String, _ arguments: [String]) throws -> String {
    let output = NSTemporaryDirectory() + "seleksi-out-" + UUID().uuidString
    FileManager.default.createFile(atPath: output, contents: nil)
    defer { try? FileManager.default.removeItem(atPath: output) }
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
    let process = Process()
    process.executableURL = URL(fileURLWithPath: binary)
    process.arguments = arguments
    process.standardOutput = handle
    process.standardError = handle
    try process.run()
    try handle.close()
    process.waitUntilExit()
    return (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
}
