import ExamEngine
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Registration
import Selection
import SeleksiCore

/// `seleksi bench board`: results day. A portal in its own process holds an announcement of
/// `candidates` rows; keep-alive HTTPS clients of this process read the board page, search
/// it and download the JSON, beside nginx serving static files of the same sizes in the same
/// run (the ratio). Then `subscribers` watchers of a session's live page, and the time from
/// a node sending a finished score to its event reaching all of them. Then ranking
/// `rankCandidates` beside a plain sort of the same keys.
public struct BoardBench: Sendable {
    let candidates: Int
    let subscribers: Int
    let events: Int
    let rankCandidates: Int
    let seconds: Double
    let concurrency: Int
    let httpsPort: Int

    public init(candidates: Int, subscribers: Int, events: Int, rankCandidates: Int, seconds: Double, concurrency: Int, httpsPort: Int) {
        self.candidates = candidates
        self.subscribers = subscribers
        self.events = events
        self.rankCandidates = rankCandidates
        self.seconds = seconds
        self.concurrency = concurrency
        self.httpsPort = httpsPort
    }

    public func run() async throws -> [String: Any] {
        let data = NSTemporaryDirectory() + "seleksi-bench-board-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: data) }
        var figures: [String: Any] = ["candidates": candidates, "subscribers": subscribers, "rank_candidates": rankCandidates]

        // The ranking first: pure, in this process, before any server shares the cores.
        let (rankSeconds, sortSeconds) = try Self.ranking(rankCandidates)
        figures["rank_seconds"] = rankSeconds
        figures["plain_sort_seconds"] = sortSeconds
        figures["rank_vs_sort"] = rankSeconds / sortSeconds

        let config = data + "/portal.yaml"
        try """
        host: 127.0.0.1
        bcrypt_cost: 4
        sign_ups_per_address: 1000000000
        login_failures_per_address: 1000000000
        exam_rules: \(FileManager.default.currentDirectoryPath)/Config/rules/skd-2024.yaml
        result_codes: \(FileManager.default.currentDirectoryPath)/Config/result-codes.yaml
        documents:
          - { kind: foto, label: Pas foto, type: jpeg, max_kb: 200 }
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let portalData = data + "/portal"
        let key = try SigningKey.loadOrCreate(path: data + "/node.key")
        let seated = try await Self.prepare(portalData: portalData, config: config, candidates: candidates, seats: events, nodeKey: key)

        let portal = Process()
        portal.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        portal.arguments = ["portal", "--portal-config", config, "--data", portalData, "--https-port", String(httpsPort), "--http-port", String(httpsPort + 1)]
        portal.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        portal.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try portal.run()
        defer {
            kill(portal.processIdentifier, SIGTERM)
            portal.waitUntilExit()
        }
        let tls = try BenchConnection.tlsContext()
        let port = httpsPort
        try await BenchConnection.whenServing(host: "127.0.0.1", port: port, tls: tls, path: "/hasil", status: 200).close()
        let pid = portal.processIdentifier

        // Reads of the board, each beside nginx serving a file of the same size.
        let page = try await BenchConnection.connect(host: "127.0.0.1", port: port, tls: tls).send(.GET, "/hasil")
        let json = try await BenchConnection.connect(host: "127.0.0.1", port: port, tls: tls).send(.GET, "/hasil/skd/1/pengumuman.json")
        let nginx = try? NginxServer.start(
            folder: data + "/nginx",
            certificate: portalData + "/tls",
            files: ["page.html": page.body.readableBytes, "board.json": json.body.readableBytes]
        )
        defer { nginx?.stop() }
        figures["nginx"] = nginx == nil ? "tidak dijalankan (nginx tidak terpasang: apt-get install nginx)" : "nginx \(nginx!.version)"
        let readers: [(String, Int, @Sendable (Int) -> String)] = [
            ("page", concurrency, { _ in "/hasil" }),
            ("search", concurrency, { index in "/hasil/skd/1?q=\(Self.name(index * 7_919 % max(1, self.candidates)).split(separator: " ").last!)" }),
            ("json", max(1, concurrency / 4), { _ in "/hasil/skd/1/pengumuman.json" }),
        ]
        for (label, workers, path) in readers {
            let measured = try await Self.read(port: port, tls: tls, workers: workers, seconds: seconds, pid: pid, path: path)
            figures["\(label)_per_second"] = measured.rate
            figures["\(label)_p50_ms"] = measured.p50
            figures["\(label)_p99_ms"] = measured.p99
            figures["\(label)_cpu_ms"] = measured.cpuMilliseconds
            figures["\(label)_errors"] = measured.errors
            figures["\(label)_bytes"] = label == "json" ? json.body.readableBytes : label == "page" ? page.body.readableBytes : 0
            if let nginx, label != "search" {
                let file = label == "json" ? "/board.json" : "/page.html"
                let ceiling = try await Self.read(port: nginx.port, tls: tls, workers: workers, seconds: seconds, pid: nil, path: { _ in file })
                figures["nginx_\(label)_per_second"] = ceiling.rate
                figures["nginx_\(label)_p99_ms"] = ceiling.p99
                figures["\(label)_vs_nginx"] = measured.rate / ceiling.rate
            }
        }

        // Live scores: watchers of one session, and a node's scores arriving one by one.
        let live = try await LiveWatchers.run(port: port, tls: tls, subscribers: subscribers, session: "bench-1", events: events) { index in
            let entry = LiveScores.Entry(
                sessionID: "bench-1",
                participantNumber: seated[index],
                scores: ["TWK": 100, "TIU": 100, "TKP": 170],
                total: 370,
                passed: true,
                finishedAt: Int64(Date().timeIntervalSince1970 * 1000)
            )
            let batch = LiveScores(periodID: "casn-bench", nodeID: "node-bench", entries: [entry]).sealed(with: key)
            let connection = try await BenchConnection.connect(host: "127.0.0.1", port: port, tls: tls)
            defer { connection.close() }
            try await connection.send(.POST, "/api/node/scores", bytes: [UInt8](batch)).expect(200, "POST /api/node/scores")
        }
        figures["live_connected"] = live.connected
        figures["live_events"] = live.events
        figures["live_deliveries"] = live.deliveries
        figures["live_p50_ms"] = live.p50
        figures["live_p99_ms"] = live.p99
        return figures
    }

    public static func describe(_ f: [String: Any]) -> String {
        func n(_ key: String) -> Double { (f[key] as? Double) ?? Double(f[key] as? Int ?? 0) }
        var lines = ["Papan hasil: \(f["candidates"] ?? 0) peserta dalam pengumuman; \(f["nginx"] ?? "")"]
        for label in ["page", "search", "json"] {
            var line = String(
                format: "  %@: %.0f/s, p50 %.1f ms, p99 %.1f ms, CPU portal %.2f ms per permintaan, galat %.0f",
                label,
                n("\(label)_per_second"),
                n("\(label)_p50_ms"),
                n("\(label)_p99_ms"),
                n("\(label)_cpu_ms"),
                n("\(label)_errors")
            )
            if f["\(label)_vs_nginx"] != nil {
                line += String(
                    format: "; nginx %.0f/s (p99 %.1f ms): rasio %.2f",
                    n("nginx_\(label)_per_second"),
                    n("nginx_\(label)_p99_ms"),
                    n("\(label)_vs_nginx")
                )
            }
            lines.append(line)
        }
        lines.append(
            String(
                format:
                    "Nilai langsung: %.0f pengamat tersambung, %.0f peristiwa, %.0f terkirim; dari kiriman node sampai semua menerima: p50 %.0f ms, p99 %.0f ms",
                n("live_connected"),
                n("live_events"),
                n("live_deliveries"),
                n("live_p50_ms"),
                n("live_p99_ms")
            )
        )
        lines.append(
            String(
                format: "Peringkat %.0f peserta: %.2f s; urutan biasa atas kunci yang sama %.2f s; rasio %.2f",
                n("rank_candidates"),
                n("rank_seconds"),
                n("plain_sort_seconds"),
                n("rank_vs_sort")
            )
        )
        return lines.joined(separator: "\n")
    }

    // MARK: - Phases

    static func name(_ index: Int) -> String { "Peserta " + PortalBench.letters(index).capitalized }

    /// Ranking `count` candidates in 2,000 formations, beside sorting the same keys.
    static func ranking(_ count: Int) throws -> (rank: Double, sort: Double) {
        let ruleSet = try RuleSetLoader.load(file: "Config/rules/skd-2024.yaml")
        var generator = SystemRandomNumberGenerator()
        let formations = (0..<2_000).map { SKDFormation(id: String(format: "F%04d", $0), type: .general, quota: 1 + $0 % 10) }
        let candidates = (0..<count).map { index in
            SKDCandidate(
                participantNumber: String(format: "26%08d", index),
                formationID: formations[index % formations.count].id,
                attendance: index % 50 == 0
                    ? .absent
                    : .present(scores: [
                        "TWK": Int.random(in: 40...150, using: &generator), "TIU": Int.random(in: 50...175, using: &generator),
                        "TKP": Int.random(in: 120...225, using: &generator),
                    ])
            )
        }
        let clock = ContinuousClock()
        var ranked: [SKDResult] = []
        let rankTime = try clock.measure { ranked = try SKDRanking.rank(candidates, formations: formations, ruleSet: ruleSet) }
        precondition(ranked.count == count)
        struct Key {
            let formation: String
            let scores: [Int]  // total, then the tie-break subtests
            let number: String
        }
        var keys = candidates.map { candidate -> Key in
            guard case .present(let s) = candidate.attendance else {
                return Key(formation: candidate.formationID, scores: [-1], number: candidate.participantNumber)
            }
            return Key(
                formation: candidate.formationID,
                scores: [s["TWK"]! + s["TIU"]! + s["TKP"]!, s["TKP"]!, s["TIU"]!, s["TWK"]!],
                number: candidate.participantNumber
            )
        }
        let sortTime = clock.measure {
            keys.sort { a, b in
                if a.formation != b.formation { return a.formation < b.formation }
                if a.scores != b.scores { return a.scores.lexicographicallyPrecedes(b.scores, by: >) }
                return a.number < b.number
            }
        }
        return (rankTime.seconds, sortTime.seconds)
    }

    /// `workers` keep-alive clients GETting `path(i)` for `seconds`.
    static func read(
        port: Int,
        tls: NIOSSLContext,
        workers: Int,
        seconds: Double,
        pid: Int32?,
        path: @escaping @Sendable (Int) -> String
    ) async throws -> (rate: Double, p50: Double, p99: Double, cpuMilliseconds: Double, errors: Int) {
        let samples = Samples()
        let counter = Counter()
        let cpuBefore = pid.flatMap(processCPUSeconds)
        let start = Date()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<workers {
                group.addTask {
                    guard var connection = try? await BenchConnection.connect(host: "127.0.0.1", port: port, tls: tls) else { return }
                    while Date().timeIntervalSince(start) < seconds, let index = counter.take(below: .max) {
                        let began = Date()
                        do {
                            if !connection.channel.isActive { connection = try await BenchConnection.connect(host: "127.0.0.1", port: port, tls: tls) }
                            let reply = try await connection.send(.GET, path(index))
                            if reply.status == 200 { samples.add(Date().timeIntervalSince(began) * 1000) } else { samples.fail("HTTP \(reply.status)") }
                        } catch {
                            samples.fail(String(describing: error))
                        }
                    }
                    connection.close()
                }
            }
        }
        let elapsed = Date().timeIntervalSince(start)
        var cpu = 0.0
        if let before = cpuBefore, let pid, let after = processCPUSeconds(pid) { cpu = (after - before) * 1000 / Double(max(1, samples.count)) }
        return (Double(samples.count) / elapsed, samples.percentile(0.5), samples.percentile(0.99), cpu, samples.errors)
    }

    /// The portal's store before it starts: a period whose registration has closed, `seats`
    /// applicants seated in session `bench-1` at the node's venue, the node registered, and
    /// an announcement of `candidates` rows published. Returns the seated participant numbers.
    static func prepare(portalData: String, config: String, candidates: Int, seats: Int, nodeKey: SigningKey) async throws -> [String] {
        var settings = try PortalSettings.load(file: config)
        settings.data = portalData
        let clock = SystemClock()
        let service = try RegistrationService(
            store: try settings.openStore(clock: clock),
            clock: clock,
            settings: settings,
            documentDirectory: portalData + "/documents",
            civilRegistry: nil
        )
        let now = clock.nowMilliseconds()
        let day: Int64 = 86_400_000
        var period = SelectionPeriod(
            id: "casn-bench",
            name: "CASN Tolok Ukur",
            registration: Window(opens: now - day, closes: now + day),
            verification: Window(opens: now - day, closes: now + 10 * day),
            objectionDays: 3,
            exam: Window(opens: now - day, closes: now + 10 * day),
            announcement: Window(opens: now - day, closes: now + 20 * day),
            participantPrefix: "26"
        )
        try await service.setPeriod(staff: nil, period)
        let agencies = (0..<20).map { Agency(id: String(format: "instansi-%02d", $0), name: "Instansi \(PortalBench.letters($0 + 100).capitalized)") }
        for agency in agencies { try await service.addAgency(staff: nil, agency) }
        let formations = (0..<200).map { index in
            Formation(
                id: String(format: "FOR-%03d", index),
                periodID: "",
                agencyID: agencies[index % agencies.count].id,
                position: "Analis \(PortalBench.letters(index + 300).capitalized)",
                unit: "Unit \(index % 7)",
                location: "Jakarta",
                educationLevel: .s1,
                majors: ["Psikologi"],
                quota: 5,
                type: .general
            )
        }
        for formation in formations { try await service.addFormation(staff: nil, formation) }
        try await service.addSlot(
            staff: nil,
            ExamSlot(
                id: "bench-1",
                periodID: "",
                venue: "Ruang Tolok Ukur",
                location: "Jakarta",
                // Past the roster freeze (seats are not assigned in a session about to start).
                startsAt: now + Int64(settings.rosterFreezeMinutes + 60) * 60_000,
                timeZone: .wib,
                sessionNumber: 1,
                capacity: seats
            )
        )
        let admin = try await service.createStaff(username: "admin", role: .admin, agencyID: nil).staff
        let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0] + [UInt8](repeating: 7, count: 1_994) + [0xFF, 0xD9]
        for index in 0..<seats {
            let email = "pelamar\(index)@contoh.id"
            let account = try await service.signUp(
                SignUp(
                    nik: PortalBench.nik(index),
                    kk: "3201010101100001",
                    name: name(index),
                    birthPlace: "Bogor",
                    birthDate: "1999-01-01",
                    sex: "P",
                    email: email,
                    phone: "081234567890",
                    password: "garam-dan-madu-42"
                ),
                address: "10.0.\(index / 250).\(index % 250)"
            )
            let mail = try await service.store.pendingMail(limit: 10_000).last { $0.to == email }
            let code = String(mail?.body.firstMatch(of: /: (\d{6})/)?.1 ?? "")
            try await service.verifyEmail(email: email, code: code, address: "10.0.0.1")
            let draft = try JSONDecoder().decode(
                ApplicationDraft.self,
                from: JSONSerialization.data(withJSONObject: [
                    "formationID": formations[index % formations.count].id, "testLocation": "Jakarta", "disability": false, "residesAbroad": false,
                    "education": ["level": "S1", "major": "Psikologi", "diplomaNumber": "UI/2021/\(index)", "gpa": 3.4, "graduationYear": 2021],
                ])
            )
            let application = try await service.createApplication(accountID: account.id, draft: draft)
            _ = try await service.uploadDocument(accountID: account.id, kind: "foto", bytes: jpeg)
            _ = try await service.submit(accountID: account.id)
            try await service.decide(staff: admin, id: application.id, result: .ms, reasonCode: nil, note: "")
        }
        period.registration.closes = clock.nowMilliseconds() - 1
        try await service.setPeriod(staff: nil, period)
        _ = try await service.announceResults(staff: admin)
        _ = try await service.assignSeats(staff: admin)
        _ = try await service.registerNode(
            staff: admin,
            RegisteredNode(id: "node-bench", venues: ["Ruang Tolok Ukur"], url: "https://127.0.0.1:1", publicKey: nodeKey.publicKey.text)
        )
        let numbers = try await service.store.seatedParticipants(periodID: period.id).map(\.participantNumber)
        guard numbers.count == seats else { throw ExamBench.Failure(description: "\(numbers.count) dari \(seats) pelamar mendapat kursi di sesi bench-1") }
        // The announcement: `candidates` rows across the formations, published a second ago.
        var generator = SystemRandomNumberGenerator()
        let rows = (0..<candidates).map { index in
            let formation = formations[index % formations.count]
            let scores = [
                "TWK": Int.random(in: 40...150, using: &generator), "TIU": Int.random(in: 50...175, using: &generator),
                "TKP": Int.random(in: 120...225, using: &generator),
            ]
            return Announcement.Row(
                participantNumber: String(format: "26%08d", index),
                name: name(index),
                agencyID: formation.agencyID,
                agencyName: agencies[index % formations.count % agencies.count].name,
                formationID: formation.id,
                formationName: "\(formation.position), \(formation.unit) (\(formation.location))",
                scores: scores,
                total: scores.values.reduce(0, +),
                rank: index % 3 == 0 ? 1 + index / formations.count : nil,
                code: index % 3 == 0 ? "P/L" : "TL",
                label: index % 3 == 0 ? "Memenuhi nilai ambang batas dan masuk peringkat untuk mengikuti SKB" : "Tidak memenuhi nilai ambang batas"
            )
        }
        let announcement = Announcement(
            periodID: period.id,
            stage: RegistrationService.skdStage,
            version: 1,
            previousDigest: nil,
            publishedAt: clock.nowMilliseconds() - 1_000,
            ruleSetID: "skd-2024",
            sources: [],
            rows: rows
        )
        let file = PublishedAnnouncement(announcement)
        try await service.store.appendAnnouncement(
            StoredAnnouncement(
                stage: RegistrationService.skdStage,
                version: 1,
                digest: file.digest,
                previousDigest: nil,
                contentDigest: announcement.contentDigest,
                publishedAt: announcement.publishedAt,
                createdAt: clock.nowMilliseconds(),
                createdBy: "bench",
                rows: rows.count
            ),
            file: file.encoded(),
            periodID: period.id,
            audit: AuditEntry(
                at: clock.nowMilliseconds(),
                actor: "bench",
                role: "system",
                action: "announcement.publish",
                subject: "announcement:skd/1",
                detail: ""
            )
        )
        return numbers
    }
}

/// nginx serving files of given sizes over HTTPS with keep-alive, in a folder of its own.
struct NginxServer {
    let process: Process
    let port: Int
    let version: String

    static func start(folder: String, certificate tlsFolder: String, files: [String: Int]) throws -> NginxServer {
        guard let binary = ["/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx"].first(where: FileManager.default.isExecutableFile) else {
            throw ExamBench.Failure(description: "nginx tidak terpasang")
        }
        try FileManager.default.createDirectory(atPath: folder + "/root", withIntermediateDirectories: true)
        for (name, size) in files {
            try Data(repeating: 0x61, count: size).write(to: URL(fileURLWithPath: folder + "/root/" + name))
        }
        let port = Int.random(in: 30_000...39_000)
        try """
        worker_processes auto;
        pid \(folder)/nginx.pid;
        error_log \(folder)/error.log;
        events { worker_connections 4096; }
        http {
          access_log off;
          client_body_temp_path \(folder)/tmp;
          keepalive_requests 1000000;
          server {
            listen 127.0.0.1:\(port) ssl;
            ssl_certificate \(tlsFolder)/localhost-cert.pem;
            ssl_certificate_key \(tlsFolder)/localhost-key.pem;
            root \(folder)/root;
          }
        }
        """.write(toFile: folder + "/nginx.conf", atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["-c", folder + "/nginx.conf", "-p", folder, "-g", "daemon off;"]
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        Thread.sleep(forTimeInterval: 0.5)
        guard process.isRunning else { throw ExamBench.Failure(description: "nginx tidak mau berjalan (lihat \(folder)/error.log)") }
        let version = Self.version(binary)
        return NginxServer(process: process, port: port, version: version)
    }

    static func version(_ binary: String) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["-v"]
        let pipe = Pipe()
        process.standardError = pipe
        try? process.run()
        process.waitUntilExit()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return text.split(separator: "/").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? "?"
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }
}

/// Many watchers of one session's live page (server-sent events over HTTPS), each on its
/// own connection, and when each event reaches each of them.
enum LiveWatchers {
    struct Outcome {
        let connected: Int
        let events: Int
        let deliveries: Int
        let p50: Double
        let p99: Double
    }

    /// Who has connected, and when each event id arrived at each watcher.
    final class Arrivals: @unchecked Sendable {
        private let lock = NSLock()
        private var ready = 0
        private var times: [Int: [Date]] = [:]

        func connected() { lock.withLock { ready += 1 } }
        func arrived(_ id: Int, at time: Date) { lock.withLock { times[id, default: []].append(time) } }
        var readyCount: Int { lock.withLock { ready } }
        func count(_ id: Int) -> Int { lock.withLock { times[id]?.count ?? 0 } }
        func times(_ id: Int) -> [Date] { lock.withLock { times[id] ?? [] } }
    }

    /// Reads the raw stream (the events come whole, one chunk per write) for `id: N\nevent: nilai`.
    final class EventReader: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        let arrivals: Arrivals
        private var tail = ""
        private var sawStart = false

        init(arrivals: Arrivals) { self.arrivals = arrivals }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let now = Date()
            let text = tail + String(buffer: unwrapInboundIn(data))
            if !sawStart, text.contains("retry:") {
                sawStart = true
                arrivals.connected()
            }
            for match in text.matches(of: /id: (\d+)\nevent: nilai/) {
                if let id = Int(match.1) { arrivals.arrived(id, at: now) }
            }
            // Keep what could be the start of a marker cut by the read.
            tail = String(text.suffix(24)).contains("\n\n") ? "" : String(text.suffix(24))
        }
    }

    static func run(
        port: Int,
        tls: NIOSSLContext,
        subscribers: Int,
        session: String,
        events: Int,
        send: @escaping @Sendable (Int) async throws -> Void
    ) async throws -> Outcome {
        let arrivals = Arrivals()
        let request = "GET /langsung/\(session)/peristiwa HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n"
        var channels: [any Channel] = []
        // In waves, so the listen queue never overflows.
        for wave in stride(from: 0, to: subscribers, by: 200) {
            let opened = await withTaskGroup(of: (any Channel)?.self) { group in
                for _ in wave..<min(subscribers, wave + 200) {
                    group.addTask {
                        try? await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                            .channelInitializer { channel in
                                channel.eventLoop.makeCompletedFuture {
                                    try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tls, serverHostname: nil))
                                    try channel.pipeline.syncOperations.addHandler(EventReader(arrivals: arrivals))
                                }
                            }
                            .connect(to: try SocketAddress(ipAddress: "127.0.0.1", port: port))
                            .flatMap { channel in channel.writeAndFlush(ByteBuffer(string: request)).map { channel } }
                            .get()
                    }
                }
                var opened: [any Channel] = []
                for await channel in group { if let channel { opened.append(channel) } }
                return opened
            }
            channels += opened
        }
        defer { for channel in channels { channel.close(promise: nil) } }
        let deadline = Date().addingTimeInterval(60)
        while arrivals.readyCount < channels.count, Date() < deadline { try await Task.sleep(for: .milliseconds(100)) }
        let watching = arrivals.readyCount
        var latencies: [Double] = []
        for index in 0..<events {
            let id = index + 1
            let sent = Date()
            try await send(index)
            let until = Date().addingTimeInterval(10)
            while arrivals.count(id) < watching, Date() < until { try await Task.sleep(for: .milliseconds(5)) }
            latencies += arrivals.times(id).map { $0.timeIntervalSince(sent) * 1000 }
        }
        latencies.sort()
        func percentile(_ p: Double) -> Double { latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
        return Outcome(connected: watching, events: events, deliveries: latencies.count, p50: percentile(0.5), p99: percentile(0.99))
    }
}
