import ExamNode
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import SeleksiAuth
import SeleksiCore

/// `seleksi bench exam`: a real node in its own process, driven over HTTPS by this
/// process as the load generator. Measures, in the same run, the two physical limits
/// the figures are judged against: full TLS handshakes/s and durable commits/s.
/// Latencies in milliseconds, kept from many tasks.
final class Samples: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Double] = []
    /// For timed phases: the whole second of the phase each value was due in.
    private var seconds: [Int: [Double]] = [:]
    private var failures = 0
    private var reasons: [String: Int] = [:]

    func add(_ milliseconds: Double) { lock.withLock { values.append(milliseconds) } }
    /// A value due in whole second `second` of its phase, so the tail can be placed in time.
    func add(_ milliseconds: Double, inSecond second: Int) {
        lock.withLock {
            values.append(milliseconds)
            seconds[second, default: []].append(milliseconds)
        }
    }
    /// Counts a failure; `reason` (a status and error code, say) is tallied for the report.
    func fail(_ reason: String = "tanpa keterangan") {
        lock.withLock {
            failures += 1
            reasons[reason, default: 0] += 1
        }
    }

    var count: Int { lock.withLock { values.count } }
    var errors: Int { lock.withLock { failures } }
    /// The commonest failure reasons, "reason ×count", most frequent first.
    var failureReasons: [String] {
        lock.withLock { reasons.sorted { $0.value > $1.value }.prefix(5).map { "\($0.key) ×\($0.value)" } }
    }

    /// The p99 of each whole second of the phase, in order: one stall shows as one high
    /// second, saturation as a rising run.
    var p99BySecond: [Double] {
        lock.withLock {
            seconds.keys.sorted().map { second in
                let sorted = seconds[second]!.sorted()
                return sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.99))]
            }
        }
    }

    /// The `p` percentile of the values due in whole seconds `range` of the phase.
    func percentile(_ p: Double, seconds range: ClosedRange<Int>) -> Double {
        lock.withLock {
            let sorted = seconds.filter { range.contains($0.key) }.values.flatMap { $0 }.sorted()
            guard !sorted.isEmpty else { return 0 }
            return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
        }
    }

    func percentile(_ p: Double) -> Double {
        lock.withLock {
            guard !values.isEmpty else { return 0 }
            let sorted = values.sorted()
            return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
        }
    }
}

/// `seleksi bench exam`: a node in its own process, a full room arriving over fresh TLS
/// connections, saves at a target rate, then at capacity; the figures and the ceilings.
public struct ExamBench: Sendable {
    /// Every bench candidate's access code (the node keeps its digest).
    static let accessCode = "BNCH-2345"
    let candidates: Int
    let arrivalSeconds: Double
    let saveSeconds: Double
    let saveRate: Double
    let saveConnections: Int
    let capacitySeconds: Double
    /// Candidates in the second session's roster, imported while the first session saves.
    let importCandidates: Int
    let httpsPort: Int
    let nodeLog: String?
    /// Papers with 15 figural items, each of whose figures a candidate's start fetches
    /// (as the page does) after the paper.
    let images: Bool

    public init(
        candidates: Int,
        arrivalSeconds: Double,
        saveSeconds: Double,
        saveRate: Double,
        saveConnections: Int,
        capacitySeconds: Double,
        importCandidates: Int,
        httpsPort: Int,
        nodeLog: String?,
        images: Bool = false
    ) {
        self.candidates = candidates
        self.arrivalSeconds = arrivalSeconds
        self.saveSeconds = saveSeconds
        self.saveRate = saveRate
        self.saveConnections = saveConnections
        self.capacitySeconds = capacitySeconds
        self.importCandidates = importCandidates
        self.httpsPort = httpsPort
        self.nodeLog = nodeLog
        self.images = images
    }

    /// The sample SKD bank with its figural items three times over (each copy's figures
    /// drawn with other bytes, so each is a figure of its own), and skd-2024 drawing 15
    /// figural items into TIU: a paper as figure-heavy as the issue asks.
    static func figuralBank(in data: String) throws -> (rules: String, banks: String) {
        let manager = FileManager.default
        let banks = data + "/banks"
        let rules = data + "/rules"
        try manager.createDirectory(atPath: banks, withIntermediateDirectories: true)
        try manager.createDirectory(atPath: rules, withIntermediateDirectories: true)
        try manager.copyItem(atPath: "QuestionBanks/skd", toPath: banks + "/skd")
        let items = try String(contentsOfFile: banks + "/skd/tiu-figural.yaml", encoding: .utf8)
        let figures = banks + "/skd/figures"
        for (copy, white) in [(1, "#fefefe"), (2, "#fdfdfd")] {
            try items.replacingOccurrences(of: "tiu-figural-", with: "tiu-figural-b\(copy)-")
                .write(toFile: banks + "/skd/tiu-figural-b\(copy).yaml", atomically: true, encoding: .utf8)
            for name in try manager.contentsOfDirectory(atPath: figures) where name.hasPrefix("tiu-figural-") {
                let drawn = try String(contentsOfFile: figures + "/" + name, encoding: .utf8)
                try drawn.replacingOccurrences(of: "fill=\"#fff\"", with: "fill=\"\(white)\"")
                    .write(
                        toFile: figures + "/" + name.replacingOccurrences(of: "tiu-figural-", with: "tiu-figural-b\(copy)-"),
                        atomically: true,
                        encoding: .utf8
                    )
            }
        }
        let rule = try String(contentsOfFile: "Config/rules/skd-2024.yaml", encoding: .utf8)
        let tiu =
            "topics: {analogi-verbal: 5, silogisme: 4, penalaran-analitis: 5, berhitung: 4, deret-angka: 5, perbandingan-kuantitatif: 4, soal-cerita: 4, figural: 4}"
        guard rule.contains(tiu) else { throw Failure(description: "Config/rules/skd-2024.yaml: TIU topics changed; update the bench's figural mode") }
        try rule.replacingOccurrences(
            of: tiu,
            with:
                "topics: {analogi-verbal: 3, silogisme: 3, penalaran-analitis: 3, berhitung: 3, deret-angka: 3, perbandingan-kuantitatif: 3, soal-cerita: 2, figural: 15}"
        ).write(toFile: rules + "/skd-2024.yaml", atomically: true, encoding: .utf8)
        return (rules, banks)
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    public func run() async throws -> [String: Any] {
        let data = NSTemporaryDirectory() + "seleksi-bench-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: data) }
        let binary = CommandLine.arguments[0]

        // 1. The durable-write ceiling, at the node's own setting, on the same disk.
        let probe = try SQLiteExamStore.open(path: data + "/ceiling.sqlite")
        let commitCeiling = try await probe.measureCommitCeiling(commits: 2_000)

        // 2. The node, in its own process, with a proctor account; it trusts the bench's
        // portal key (the roster comes as the portal's signed package).
        let portalKey = try SigningKey.loadOrCreate(path: data + "/portal.key")
        let nodeKey = try SigningKey.loadOrCreate(path: data + "/node/node-signing.key")
        let config = data + "/exam-node.yaml"
        let (rulesFolder, banksFolder) = images ? try Self.figuralBank(in: data) : ("Config/rules", "QuestionBanks")
        try "rules: \(rulesFolder)\nbanks: \(banksFolder)\nportal_public_key: \(portalKey.publicKey.text)\n".write(
            toFile: config,
            atomically: true,
            encoding: .utf8
        )
        let proctorOutput = try runProcess(binary, ["exam-node", "proctor", "--username", "bench", "--config", config, "--data", data + "/node"])
        guard let credentials = proctorOutput.firstMatch(of: /kata sandi (\S+), rahasia autentikator (\S+)/) else {
            throw Failure(description: "no proctor: \(proctorOutput)")
        }
        let password = credentials.1
        let totp = TOTPCode.current(secret: String(credentials.2), now: SystemClock().nowMilliseconds())
        let node = Process()
        node.executableURL = URL(fileURLWithPath: binary)
        node.arguments = ["exam-node", "--config", config, "--data", data + "/node", "--https-port", String(httpsPort), "--http-port", String(httpsPort + 1)]
        if let nodeLog { FileManager.default.createFile(atPath: nodeLog, contents: nil) }
        let log = FileHandle(forWritingAtPath: nodeLog ?? "/dev/null")
        node.standardOutput = log
        node.standardError = log
        try node.run()
        defer {
            kill(node.processIdentifier, SIGTERM)
            node.waitUntilExit()
        }

        let tls = try BenchConnection.tlsContext()
        let host = "127.0.0.1"
        let port = httpsPort
        let connect: @Sendable () async throws -> BenchConnection = { try await BenchConnection.connect(host: host, port: port, tls: tls) }
        let control = try await BenchConnection.whenServing(host: host, port: port, tls: tls, path: "/api/exam/state", status: 401)

        // 3. A session with N candidates, papers assembled at roster load.
        func object(_ reply: BenchConnection.Reply) -> [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(reply.body.readableBytesView))) as? [String: Any] ?? [:]
        }
        func text(_ value: [String: Any]) throws -> String { String(decoding: try JSONSerialization.data(withJSONObject: value), as: UTF8.self) }
        let proctor = object(
            try await control.send(.POST, "/api/proctor/login", json: try text(["username": "bench", "password": String(password), "totp": totp]))
        )
        let proctorToken = (proctor["token"] as? String) ?? ""
        let sessionID = "sesi-bench"
        let digest = AccessCode.digest(Self.accessCode)
        /// Version `version` of the roster: session `id` of `count` candidates numbered `prefix`0, `prefix`1…
        func package(version: Int, _ id: String, count: Int, prefix: String) -> Data {
            let package = RosterPackage(
                periodID: "bench",
                nodeID: "node-bench",
                nodeKeyID: nodeKey.publicKey.id,
                version: version,
                createdAt: 0,
                sessions: [
                    RosterPackage.Session(
                        id: id,
                        venue: "Bench",
                        timeZone: .wib,
                        ruleSetID: "skd-2024",
                        scheduledStart: 0,
                        scheduledEnd: 100 * 60_000,
                        participants: (0..<count).map {
                            RosterPackage.Participant(
                                participantNumber: "\(prefix)\($0)",
                                name: "Peserta \($0)",
                                formationType: .general,
                                accommodations: [],
                                accessCodeDigest: digest
                            )
                        }
                    )
                ]
            )
            return SignedEnvelope.seal(kind: RosterPackage.kind, payload: package.encoded(), key: portalKey).encoded()
        }
        let envelope = package(version: 1, sessionID, count: candidates, prefix: "B")
        let loadStart = ContinuousClock.now
        let loaded = try await control.send(.POST, "/api/proctor/packages", token: proctorToken, bytes: [UInt8](envelope))
        let rosterSeconds = (ContinuousClock.now - loadStart).seconds
        try loaded.expect(200, "roster package")
        let session = object(try await control.send(.GET, "/api/proctor/sessions/\(sessionID)", token: proctorToken))["session"] as? [String: Any] ?? [:]
        let pin = (session["pin"] as? String) ?? ""
        try await control.send(.POST, "/api/proctor/sessions/\(sessionID)/open", token: proctorToken).expect(200, "open")

        // 4. The TLS ceiling: full handshakes, one fresh connection per request.
        let handshakes = 1_000
        let handshakeStart = ContinuousClock.now
        await withTaskGroup(of: Void.self) { tasks in
            for worker in 0..<16 {
                tasks.addTask {
                    for _ in stride(from: worker, to: handshakes, by: 16) {
                        if let connection = try? await connect() {
                            _ = try? await connection.send(.GET, "/api/exam/state", close: true)
                            connection.close()
                        }
                    }
                }
            }
        }
        let handshakeCeiling = Double(handshakes) / (ContinuousClock.now - handshakeStart).seconds

        // 5. Arrival: each candidate on a new TLS connection, login then paper; the
        // connection is kept for the candidate's saves, as a browser keeps it.
        let starts = Samples()
        /// With figures: the start up to the paper alone, beside the whole start.
        let paperStarts = Samples()
        let figuresFetched = Samples()
        let images = self.images
        let seats = IndexedValues<Seat>(count: candidates)
        let arrivalStart = ContinuousClock.now
        await withTaskGroup(of: Void.self) { tasks in
            for index in 0..<candidates {
                tasks.addTask {
                    try? await Task.sleep(until: arrivalStart + .milliseconds(Int(Double(index) * arrivalSeconds * 1000 / Double(candidates))))
                    let begin = ContinuousClock.now
                    do {
                        let connection = try await connect()
                        let login = try await connection.send(
                            .POST,
                            "/api/exam/login",
                            json: #"{"participantNumber":"B\#(index)","pin":"\#(pin)","accessCode":"\#(Self.accessCode)","device":"bench-\#(index)"}"#
                        )
                        try login.expect(200, "login")
                        let token = String(buffer: login.body).firstMatch(of: /"token"\s*:\s*"([A-Za-z0-9_-]+)"/).map { String($0.1) } ?? ""
                        // The paper is parsed after the arrival phase: a candidate's browser parses it on
                        // its own device, not on the cores the node is measured on.
                        let paper = try await connection.send(.GET, "/api/exam/paper", token: token, device: "bench-\(index)")
                        try paper.expect(200, "paper")
                        if images {
                            paperStarts.add((ContinuousClock.now - begin).seconds * 1000)
                            // Every figure of the paper, as the page fetches them: all at once, on the same connection.
                            let text = String(buffer: paper.body)
                            var digests = Set<String>()
                            for match in text.matches(of: /data-gambar=\\"([0-9a-f]{64})\\"/) { digests.insert(String(match.1)) }
                            let figures = try await connection.send(.GET, "/api/exam/images", token: token, device: "bench-\(index)")
                            try figures.expect(200, "figures")
                            let received = String(buffer: figures.body).matches(of: /"([0-9a-f]{64})":\{"type"/).count
                            guard received == digests.count else { throw Failure(description: "\(received) of \(digests.count) figures") }
                            figuresFetched.add(Double(received))
                        }
                        starts.add((ContinuousClock.now - begin).seconds * 1000)
                        seats.set(index, Seat(connection: connection, token: token, device: "bench-\(index)", paper: paper.body))
                    } catch {
                        starts.fail(String(describing: error))
                    }
                }
            }
        }
        let arrivalWall = (ContinuousClock.now - arrivalStart).seconds
        let seated = (0..<candidates).compactMap { seats.get($0) }
        for seat in seated { seat.parsePaper() }

        // 6. Saves at the target rate: every candidate saves on their own connection, at
        // evenly spread moments, so that together they offer `saveRate` saves/s. A save's
        // latency counts from the moment it was due, so a slow answer that delays the
        // candidate's next save is charged to that save too.
        let paced = Samples()
        let pacedStart = NIODeadline.now() + .milliseconds(200)
        let pacedEnd = pacedStart + .milliseconds(Int64(saveSeconds * 1000))
        let period = TimeAmount.nanoseconds(Int64(Double(seated.count) / saveRate * 1e9))
        let cpuBefore = processCPUSeconds(node.processIdentifier)
        var done: [EventLoopFuture<Void>] = []
        for (position, seat) in seated.enumerated() {
            let first = pacedStart + .nanoseconds(period.nanoseconds * Int64(position) / Int64(max(1, seated.count)))
            done.append(seat.savePaced(from: first, every: period, until: { pacedEnd }, phaseStart: pacedStart, samples: paced))
        }
        for future in done { try? await future.get() }
        let pacedWall = Double((pacedEnd - pacedStart).nanoseconds) / 1e9
        let pacedPerSecond = Double(paced.count) / pacedWall
        var saveCPU: Double?
        if let before = cpuBefore, let after = processCPUSeconds(node.processIdentifier) { saveCPU = (after - before) * 1000 / Double(max(1, paced.count)) }

        // 7. A second roster arrives while the room saves: the same paced saves go on while
        // a package of `importCandidates` is imported, and one second after it is in.
        let memoryBefore = processResidentMegabytes(node.processIdentifier)
        let during = Samples()
        let duringStart = NIODeadline.now() + .milliseconds(200)
        let duringEnd = PhaseEnd()
        let second = package(version: 1, "sesi-bench-2", count: importCandidates, prefix: "C")
        let importCPUBefore = processCPUSeconds(node.processIdentifier)
        done = []
        for (position, seat) in seated.enumerated() {
            let first = duringStart + .nanoseconds(period.nanoseconds * Int64(position) / Int64(max(1, seated.count)))
            done.append(seat.savePaced(from: first, every: period, until: { duringEnd.deadline }, phaseStart: duringStart, samples: during))
        }
        // A fresh connection: the control one has been idle longer than the node keeps one.
        let importer = try await connect()
        try await Task.sleep(until: .now + .seconds(1))
        let importStart = NIODeadline.now()
        let imported = try await importer.send(.POST, "/api/proctor/packages", token: proctorToken, bytes: [UInt8](second))
        let importEnd = NIODeadline.now()
        duringEnd.deadline = importEnd + .seconds(1)
        try imported.expect(200, "second roster package")
        for future in done { try? await future.get() }
        let importCPU = importCPUBefore.flatMap { before in processCPUSeconds(node.processIdentifier).map { $0 - before } }
        let importSeconds = Double((importEnd - importStart).nanoseconds) / 1e9
        let importWindow = Int((importStart - duringStart).nanoseconds / 1_000_000_000)...Int((importEnd - duringStart).nanoseconds / 1_000_000_000)
        let memoryAfterImport = processResidentMegabytes(node.processIdentifier)

        // 8. Capacity: `saveConnections` connections saving back to back, as fast as the node answers.
        let flat = Samples()
        let flatStart = NIODeadline.now()
        let flatEnd = flatStart + .milliseconds(Int64(capacitySeconds * 1000))
        let workers = min(saveConnections, seated.count)
        done = (0..<workers).map { worker in
            let mine = stride(from: worker, to: seated.count, by: workers).map { seated[$0] }
            return seated[worker].saveBackToBack(for: mine, until: flatEnd, samples: flat)
        }
        for future in done { try? await future.get() }
        let flatPerSecond = Double(flat.count) / (Double((NIODeadline.now() - flatStart).nanoseconds) / 1e9)
        for seat in seated { seat.connection.close() }

        // 9. Both sessions close: the papers kept for them are let go.
        for id in ["sesi-bench-2", sessionID] {
            try await importer.send(.POST, "/api/proctor/sessions/\(id)/close", token: proctorToken).expect(200, "close \(id)")
        }
        let memoryAfterClose = processResidentMegabytes(node.processIdentifier)
        importer.close()
        control.close()

        return [
            "bench": "exam", "candidates": candidates, "arrival_seconds": arrivalSeconds, "save_connections": workers,
            "roster_load_seconds": rosterSeconds,
            "start_p50_ms": starts.percentile(0.5), "start_p99_ms": starts.percentile(0.99), "starts_ok": starts.count,
            "images": images, "start_p99_ms_paper_only": images ? paperStarts.percentile(0.99) : starts.percentile(0.99),
            "figures_fetched_per_start_p50": images ? figuresFetched.percentile(0.5) : 0,
            "start_errors": starts.errors, "arrival_wall_seconds": arrivalWall,
            "save_rate_offered": saveRate, "save_seconds": saveSeconds,
            "saves_per_second": pacedPerSecond, "save_p50_ms": paced.percentile(0.5), "save_p99_ms": paced.percentile(0.99),
            "saves": paced.count, "save_errors": paced.errors, "save_server_cpu_ms": saveCPU ?? 0, "save_p99_ms_by_second": paced.p99BySecond,
            "capacity_saves_per_second": flatPerSecond, "capacity_save_p50_ms": flat.percentile(0.5), "capacity_save_p99_ms": flat.percentile(0.99),
            "capacity_save_errors": flat.errors,
            "import_candidates": importCandidates, "import_seconds": importSeconds, "import_server_cpu_seconds": importCPU ?? 0,
            "save_p50_ms_during_import": during.percentile(0.5, seconds: importWindow),
            "save_p99_ms_during_import": during.percentile(0.99, seconds: importWindow),
            "save_p99_during_import_to_quiet_ratio": during.percentile(0.99, seconds: importWindow) / max(0.001, paced.percentile(0.99)),
            "saves_during_import_phase": during.count, "save_errors_during_import": during.errors,
            "save_p99_ms_by_second_during_import": during.p99BySecond,
            "memory_mb_before_import": memoryBefore ?? 0, "memory_mb_after_import": memoryAfterImport ?? 0,
            "memory_mb_after_close": memoryAfterClose ?? 0,
            "error_reasons": [starts, paced, during, flat].flatMap(\.failureReasons),
            "tls_handshakes_per_second_ceiling": handshakeCeiling, "durable_commits_per_second_ceiling": commitCeiling,
            "saves_to_commit_ceiling_ratio": flatPerSecond / commitCeiling,
            "goals":
                "start p99 < 1000 ms for 5000 in 10 s; >= 5000 saves/s with p99 < 25 ms, also while a 10,000-candidate roster loads; memory falls after close; 0 errors",
        ]
    }

    public static func describe(_ f: [String: Any]) -> String {
        func n(_ key: String) -> Double { (f[key] as? Double) ?? Double(f[key] as? Int ?? 0) }
        return String(
            format: """
                bench exam: %d peserta datang dalam %.0f s, masing-masing dengan koneksi TLS baru yang dipakai terus (keep-alive)
                  daftar peserta + penyusunan naskah: %.2f s
                  start (login + naskah{+gambar}): p50 %.1f ms, p99 %.1f ms; %d berhasil, %d galat (sasaran p99 < 1000 ms)
                  {gambar}
                  simpan jawaban pada laju %.0f/s selama %.0f s: %.0f/s, p50 %.2f ms, p99 %.2f ms; %d galat (sasaran >= 5.000/s, p99 < 25 ms); CPU node %.3f ms per simpan
                  p99 simpan per detik (ms): {p99-per-detik}
                  paket kedua %d peserta dimuat sambil menyimpan: %.2f s (CPU node %.2f s); simpan selama itu p50 %.2f ms, p99 %.2f ms (%.2f × p99 tenang); %d galat
                  p99 simpan per detik saat memuat (ms): {p99-saat-memuat}
                  memori node: %.0f MB sebelum paket kedua, %.0f MB sesudahnya, %.0f MB setelah kedua sesi ditutup
                  kapasitas (simpan tanpa jeda lewat %d koneksi): %.0f/s, p50 %.2f ms, p99 %.2f ms; %d galat
                  batas fisik mesin ini: %.0f jabat tangan TLS penuh/s; %.0f commit tahan-mati/s (1 baris, synchronous=FULL)
                  rasio kapasitas simpan/commit tunggal: %.2f (di atas 1 berkat commit berkelompok)
                """,
            Int(n("candidates")),
            n("arrival_seconds"),
            n("roster_load_seconds"),
            n("start_p50_ms"),
            n("start_p99_ms"),
            Int(n("starts_ok")),
            Int(n("start_errors")),
            n("save_rate_offered"),
            n("save_seconds"),
            n("saves_per_second"),
            n("save_p50_ms"),
            n("save_p99_ms"),
            Int(n("save_errors")),
            n("save_server_cpu_ms"),
            Int(n("import_candidates")),
            n("import_seconds"),
            n("import_server_cpu_seconds"),
            n("save_p50_ms_during_import"),
            n("save_p99_ms_during_import"),
            n("save_p99_during_import_to_quiet_ratio"),
            Int(n("save_errors_during_import")),
            n("memory_mb_before_import"),
            n("memory_mb_after_import"),
            n("memory_mb_after_close"),
            Int(n("save_connections")),
            n("capacity_saves_per_second"),
            n("capacity_save_p50_ms"),
            n("capacity_save_p99_ms"),
            Int(n("capacity_save_errors")),
            n("tls_handshakes_per_second_ceiling"),
            n("durable_commits_per_second_ceiling"),
            n("saves_to_commit_ceiling_ratio")
        )
        .replacingOccurrences(of: "{+gambar}", with: f["images"] as? Bool == true ? " + gambar" : "")
        .replacingOccurrences(
            of: "{gambar}",
            with: f["images"] as? Bool == true
                ? String(
                    format: "naskah 15 soal figural: p99 sampai naskah saja %.1f ms; sampai semua gambarnya (%.0f gambar per peserta) %.1f ms",
                    n("start_p99_ms_paper_only"),
                    n("figures_fetched_per_start_p50"),
                    n("start_p99_ms")
                ) : "tanpa mode gambar (--images: naskah 15 soal figural, tiap gambar diambil saat mulai)"
        )
        .replacingOccurrences(
            of: "{p99-per-detik}",
            with: ((f["save_p99_ms_by_second"] as? [Double]) ?? []).map { String(format: "%.0f", $0) }.joined(separator: " ")
        )
        .replacingOccurrences(
            of: "{p99-saat-memuat}",
            with: ((f["save_p99_ms_by_second_during_import"] as? [Double]) ?? []).map { String(format: "%.0f", $0) }.joined(separator: " ")
        )
            + ((f["error_reasons"] as? [String]) ?? []).map { "\n  galat: " + $0 }.joined()
    }
}

/// One seated candidate: their kept-alive connection, token, paper and last sequence
/// number. A phase touches each seat from one event loop only, one phase at a time.
final class Seat: @unchecked Sendable {
    let connection: BenchConnection
    let token: String
    let device: String
    private var paper: ByteBuffer?
    private var answers: [(item: String, option: String)] = []
    private var sequence = 0

    init(connection: BenchConnection, token: String, device: String, paper: ByteBuffer) {
        self.connection = connection
        self.token = token
        self.device = device
        self.paper = paper
    }

    /// Reads, from the paper, one option to answer each item with (outside the timed phases).
    func parsePaper() {
        guard let paper, let object = (try? JSONSerialization.jsonObject(with: Data(paper.readableBytesView))) as? [String: Any],
            let items = object["items"] as? [[String: Any]]
        else { return }
        answers = items.compactMap { item in
            (item["id"] as? String).flatMap { id in ((item["options"] as? [[String: Any]])?.first?["id"] as? String).map { (id, $0) } }
        }
        self.paper = nil
    }

    /// The next save: path and body, with a new sequence number.
    func nextSave() -> (path: String, body: String)? {
        guard !answers.isEmpty else { return nil }
        sequence += 1
        let (item, option) = answers[sequence % answers.count]
        return ("/api/exam/answers/\(item)", #"{"option":"\#(option)","sequence":\#(sequence)}"#)
    }

    /// Saves on this seat's connection at `first`, `first + period`, ... until `end`;
    /// each latency counts from the moment the save was due.
    func savePaced(
        from first: NIODeadline,
        every period: TimeAmount,
        until end: @escaping @Sendable () -> NIODeadline,
        phaseStart: NIODeadline,
        samples: Samples
    ) -> EventLoopFuture<Void> {
        let loop = connection.channel.eventLoop
        let finished = loop.makePromise(of: Void.self)
        @Sendable func step(_ due: NIODeadline) {
            guard due < end() else { return finished.succeed(()) }
            loop.scheduleTask(deadline: due) {
                guard let save = self.nextSave() else { return finished.succeed(()) }
                self.connection.send(.PUT, save.path, token: self.token, device: self.device, json: save.body).whenComplete { result in
                    Self.record(result, since: due, samples, second: Int((due - phaseStart).nanoseconds / 1_000_000_000))
                    step(due + period)
                }
            }
        }
        step(first)
        return finished.futureResult
    }

    /// Saves for `seats`, in turn, on this seat's connection, each as soon as the last was answered, until `end`.
    func saveBackToBack(for seats: [Seat], until end: NIODeadline, samples: Samples) -> EventLoopFuture<Void> {
        let loop = connection.channel.eventLoop
        let finished = loop.makePromise(of: Void.self)
        @Sendable func step(_ turn: Int) {
            guard NIODeadline.now() < end, let save = seats[turn % seats.count].nextSave() else { return finished.succeed(()) }
            let began = NIODeadline.now()
            connection.send(.PUT, save.path, token: seats[turn % seats.count].token, device: seats[turn % seats.count].device, json: save.body).whenComplete {
                result in
                Self.record(result, since: began, samples)
                // A failure answered at once would otherwise recurse on this stack.
                loop.execute { step(turn + 1) }
            }
        }
        loop.execute { step(0) }
        return finished.futureResult
    }

    static func record(_ result: Result<BenchConnection.Reply, any Error>, since start: NIODeadline, _ samples: Samples, second: Int? = nil) {
        switch result {
        case .success(let reply):
            do {
                try reply.expect(200, "PUT /api/exam/answers")
                let milliseconds = Double((NIODeadline.now() - start).nanoseconds) / 1e6
                if let second { samples.add(milliseconds, inSecond: second) } else { samples.add(milliseconds) }
            } catch {
                samples.fail(String(describing: error))
            }
        case .failure(let error):
            samples.fail(String(describing: error))
        }
    }
}

/// Values by index (a candidate's seat, an account's token), filled by concurrent workers.
final class IndexedValues<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [Value?]

    init(count: Int) { entries = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: Value) { lock.withLock { entries[index] = value } }
    func get(_ index: Int) -> Value? { lock.withLock { entries[index] } }
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

/// When a timed phase ends, once it is known (it runs until an import is in, and a second more).
final class PhaseEnd: @unchecked Sendable {
    private let lock = NSLock()
    private var end = NIODeadline.distantFuture

    var deadline: NIODeadline {
        get { lock.withLock { end } }
        set { lock.withLock { end = newValue } }
    }
}

/// A process's resident memory (VmRSS), in MB.
func processResidentMegabytes(_ pid: Int32) -> Double? {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
        let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
        let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Double($0) })
    else { return nil }
    return kilobytes / 1024
}
