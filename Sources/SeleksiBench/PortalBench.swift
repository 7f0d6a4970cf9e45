import Foundation
import HummingbirdBcrypt
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Registration

/// `seleksi bench portal`: a real portal in its own process, driven over HTTPS with
/// keep-alive by concurrent clients of this process. Prints sign-ups/s and logins/s
/// beside the raw bcrypt hashes/s of this machine at the configured cost (measured in
/// the same run), submissions/s with two documents each, formation-list requests/s,
/// p50/p99 for each, and errors.
/// `seleksi bench portal`: a portal in its own process; sign-ups, sign-ins, applications
/// with two documents, the formation list; the figures and this machine's ceilings.
public struct PortalBench: Sendable {
    let accounts: Int
    let concurrency: Int
    let listSeconds: Double
    let httpsPort: Int
    let bcryptCost: Int
    let photoKB: Int
    let diplomaKB: Int

    public init(accounts: Int, concurrency: Int, listSeconds: Double, httpsPort: Int, bcryptCost: Int, photoKB: Int, diplomaKB: Int) {
        self.accounts = accounts
        self.concurrency = concurrency
        self.listSeconds = listSeconds
        self.httpsPort = httpsPort
        self.bcryptCost = bcryptCost
        self.photoKB = photoKB
        self.diplomaKB = diplomaKB
    }

    /// Raw bcrypt hashes/s on every core at `cost`, for `seconds`.
    static func rawHashRate(cost: Int, seconds: Double) -> Double {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let counts = Samples()
        let start = Date()
        DispatchQueue.concurrentPerform(iterations: cores) { _ in
            while Date().timeIntervalSince(start) < seconds {
                _ = Bcrypt.hash("garam-dan-madu-42", cost: UInt8(cost))
                counts.add(0)
            }
        }
        return Double(counts.count) / Date().timeIntervalSince(start)
    }

    /// The storage ceiling of a submission on this machine: pairs of the bench's two
    /// documents written and flushed per second by the portal's own document writer on
    /// twice as many threads as cores (fsync waits on the disk), with nothing else running.
    /// A submission also carries them through TLS and HTTP, hashes them and records
    /// them, so its rate stays below this one.
    static func documentStorageRate(photo: [UInt8], diploma: [UInt8], folder: String, seconds: Double) throws -> Double {
        let writers = 2 * ProcessInfo.processInfo.activeProcessorCount
        let pairs = Samples()
        let done = DispatchGroup()
        let start = Date()
        for writer in 0..<writers {
            done.enter()
            Thread {
                var index = 0
                while Date().timeIntervalSince(start) < seconds {
                    // Spread over 256 folders, as the portal does.
                    let path = folder + "/\(index % 256)/\(writer)-\(index)"
                    do {
                        try DocumentFiles.writeContentAddressed(photo, to: path + "-foto.jpg")
                        try DocumentFiles.writeContentAddressed(diploma, to: path + "-ijazah.pdf")
                        pairs.add(0)
                    } catch {
                        pairs.fail(String(describing: error))
                    }
                    index += 1
                }
                done.leave()
            }.start()
        }
        done.wait()
        let rate = Double(pairs.count) / Date().timeIntervalSince(start)
        try? FileManager.default.removeItem(atPath: folder)
        if let reason = pairs.failureReasons.first { throw ExamBench.Failure(description: "batas simpan dokumen tidak terukur: " + reason) }
        return rate
    }

    /// Runs `count` jobs on `concurrency` workers, each with its own kept-alive
    /// connection (a worker whose connection fails opens a new one); returns jobs/s.
    func phase(
        _ count: Int,
        _ samples: Samples,
        connections: [BenchConnection],
        _ connect: @escaping @Sendable () async throws -> BenchConnection,
        _ job: @escaping @Sendable (Int, BenchConnection) async throws -> Void
    ) async -> Double {
        let next = Counter()
        let start = Date()
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    var connection = connections[worker]
                    while let index = next.take(below: count) {
                        let began = Date()
                        do {
                            if !connection.channel.isActive { connection = try await connect() }
                            try await job(index, connection)
                            samples.add(Date().timeIntervalSince(began) * 1000)
                        } catch {
                            samples.fail(String(describing: error))
                        }
                    }
                }
            }
        }
        return Double(samples.count) / Date().timeIntervalSince(start)
    }

    /// A name for applicant `index` as a KTP has names: letters only ("Pelamar Bcd").
    static func letters(_ index: Int) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz")
        var rest = index
        var name = ""
        repeat {
            name.append(alphabet[rest % 26])
            rest /= 26
        } while rest > 0
        return "P" + name
    }

    static func nik(_ index: Int) -> String {
        // West Java, women born 1999-01-01; district and serial spread the index.
        String(format: "32%02d%02d410199%04d", 1 + index / 9_999 / 99, 1 + (index / 9_999) % 99, 1 + index % 9_999)
    }

    public func run() async throws -> [String: Any] {
        let data = NSTemporaryDirectory() + "seleksi-bench-portal-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: data) }
        let rawHashes = Self.rawHashRate(cost: bcryptCost, seconds: 3)
        let photo = [0xFF, 0xD8, 0xFF, 0xE0] + [UInt8](repeating: 0x5A, count: photoKB * 1024 - 6) + [0xFF, 0xD9]
        let diploma = Array("%PDF-1.7\n".utf8) + [UInt8](repeating: 0x20, count: diplomaKB * 1024 - 15) + Array("%%EOF\n".utf8)
        let storageCeiling = try Self.documentStorageRate(photo: photo, diploma: diploma, folder: data + "/ceiling", seconds: 3)

        // The portal, with two required documents and no per-address limit (every client is 127.0.0.1).
        let config = data + "/portal.yaml"
        try """
        host: 127.0.0.1
        bcrypt_cost: \(bcryptCost)
        login_failures_per_address: 1000000000
        sign_ups_per_address: 1000000000
        documents:
          - { kind: foto, label: Pas foto, type: jpeg, max_kb: 200 }
          - { kind: ijazah, label: Ijazah, type: pdf, max_kb: 800 }
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let portal = Process()
        portal.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        portal.arguments = [
            "portal", "--demo", "--portal-config", config, "--data", data + "/portal", "--https-port", String(httpsPort), "--http-port", String(httpsPort + 1),
        ]
        let log = FileHandle(forWritingAtPath: "/dev/null")
        portal.standardOutput = log
        portal.standardError = log
        try portal.run()
        defer {
            kill(portal.processIdentifier, SIGTERM)
            portal.waitUntilExit()
        }
        let tls = try BenchConnection.tlsContext()
        let port = httpsPort
        let connect: @Sendable () async throws -> BenchConnection = { try await BenchConnection.connect(host: "127.0.0.1", port: port, tls: tls) }
        try await BenchConnection.whenServing(host: "127.0.0.1", port: port, tls: tls, path: "/api/period", status: 200).close()
        var connections: [BenchConnection] = []
        for _ in 0..<concurrency { connections.append(try await connect()) }
        defer { for connection in connections { connection.close() } }
        let open = connections
        @Sendable func json(_ value: [String: Any]) throws -> String { String(decoding: try JSONSerialization.data(withJSONObject: value), as: UTF8.self) }

        // 1. Sign-ups.
        let signUps = Samples()
        let signUpRate = await phase(accounts, signUps, connections: open, connect) { index, connection in
            let body: [String: Any] = [
                "nik": Self.nik(index), "kk": "3201010101100001", "name": "Pelamar " + Self.letters(index), "birthPlace": "Bogor", "birthDate": "1999-01-01",
                "sex": "P",
                "email": "pelamar\(index)@contoh.id", "phone": String(format: "0812%08d", index), "password": "garam-dan-madu-42",
            ]
            try await connection.send(.POST, "/api/accounts", json: try json(body)).expect(201, "POST /api/accounts")
        }

        // 2. Email codes, from the files the outbox writes.
        var codes: [String: String] = [:]
        for _ in 0..<600 where codes.count < signUps.count {
            try await Task.sleep(for: .milliseconds(200))
            for file in (try? FileManager.default.contentsOfDirectory(atPath: data + "/portal/mail")) ?? [] {
                guard let text = try? String(contentsOfFile: data + "/portal/mail/" + file, encoding: .utf8),
                    let to = text.firstMatch(of: /To: (\S+)/)?.1, let code = text.firstMatch(of: /Anda: (\d{6})/)?.1
                else { continue }
                codes[String(to)] = String(code)
            }
        }
        let found = codes
        let verified = Samples()
        _ = await phase(accounts, verified, connections: open, connect) { index, connection in
            let email = "pelamar\(index)@contoh.id"
            guard let code = found[email] else { throw ExamBench.Failure(description: "tidak ada kode email untuk \(email)") }
            try await connection.send(.POST, "/api/accounts/verify-email", json: try json(["email": email, "code": code]))
                .expect(200, "POST /api/accounts/verify-email")
        }

        // 3. Logins.
        let tokens = IndexedValues<String>(count: accounts)
        let logins = Samples()
        let loginRate = await phase(accounts, logins, connections: open, connect) { index, connection in
            let reply = try await connection.send(
                .POST,
                "/api/sessions",
                json: try json(["login": "pelamar\(index)@contoh.id", "password": "garam-dan-madu-42"])
            )
            try reply.expect(200, "POST /api/sessions")
            guard let token = String(buffer: reply.body).firstMatch(of: /"token"\s*:\s*"([^"]+)"/).map({ String($0.1) }) else {
                throw ExamBench.Failure(description: "POST /api/sessions tanpa token")
            }
            tokens.set(index, token)
        }

        // 4. Submissions: the application, a photo, a diploma, end registration.
        let submissions = Samples()
        let draftText = try json([
            "formationID": "KEU-PK-001", "testLocation": "Jakarta", "disability": false, "residesAbroad": false,
            "education": ["level": "S1", "major": "Teknik Informatika", "diplomaNumber": "UI/2021/1", "gpa": 3.3, "graduationYear": 2021],
        ])
        let portalID = portal.processIdentifier
        let cpuBefore = processCPUSeconds(portalID)
        let submissionRate = await phase(accounts, submissions, connections: open, connect) { index, connection in
            guard let token = tokens.get(index) else { throw ExamBench.Failure(description: "akun tanpa sesi") }
            try await connection.send(.POST, "/api/application", token: token, json: draftText).expect(201, "POST /api/application")
            try await connection.send(.PUT, "/api/application/documents/foto", token: token, bytes: photo).expect(200, "PUT foto")
            try await connection.send(.PUT, "/api/application/documents/ijazah", token: token, bytes: diploma).expect(200, "PUT ijazah")
            try await connection.send(.POST, "/api/application/submit", token: token).expect(200, "POST /api/application/submit")
        }

        var submissionCPU: Double?
        if let before = cpuBefore, let after = processCPUSeconds(portalID) { submissionCPU = (after - before) * 1000 / Double(max(1, submissions.count)) }

        // 5. The public formation list, for a fixed time.
        let lists = Samples()
        let listStart = Date()
        let deadline = listStart.addingTimeInterval(listSeconds)
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    var round = 0
                    var connection = open[worker]
                    while Date() < deadline {
                        let query = ["", "?type=general", "?q=pranata", "?education=S1&page=1"][(worker + round) % 4]
                        round += 1
                        let began = Date()
                        do {
                            if !connection.channel.isActive { connection = try await connect() }
                            try await connection.send(.GET, "/api/formations" + query).expect(200, "GET /api/formations")
                            lists.add(Date().timeIntervalSince(began) * 1000)
                        } catch {
                            lists.fail(String(describing: error))
                        }
                    }
                }
            }
        }
        let listRate = Double(lists.count) / Date().timeIntervalSince(listStart)

        return [
            "accounts": accounts, "concurrency": concurrency, "photo_kb": photoKB, "diploma_kb": diplomaKB, "bcrypt_cost": bcryptCost,
            "raw_bcrypt_hashes_per_second": rawHashes,
            "signups_per_second": signUpRate, "signup_p50_ms": signUps.percentile(0.5), "signup_p99_ms": signUps.percentile(0.99),
            "signup_errors": signUps.errors,
            "signup_to_hash_ratio": signUpRate / rawHashes, "email_verification_errors": verified.errors,
            "logins_per_second": loginRate, "login_p50_ms": logins.percentile(0.5), "login_p99_ms": logins.percentile(0.99), "login_errors": logins.errors,
            "login_to_hash_ratio": loginRate / rawHashes,
            "submissions_per_second": submissionRate, "submission_p50_ms": submissions.percentile(0.5), "submission_p99_ms": submissions.percentile(0.99),
            "submission_errors": submissions.errors, "submission_server_cpu_ms": submissionCPU ?? 0,
            "document_pairs_stored_per_second": storageCeiling, "submission_to_storage_ratio": submissionRate / storageCeiling,
            "formation_lists_per_second": listRate, "formation_list_p50_ms": lists.percentile(0.5), "formation_list_p99_ms": lists.percentile(0.99),
            "formation_list_errors": lists.errors,
            "error_reasons": [signUps, verified, logins, submissions, lists].flatMap(\.failureReasons),
            "goals": "logins and sign-ups >= 0.8 x raw hash rate; >= 1000 submissions/s; >= 10000 formation lists/s; 0 errors",
        ]
    }

    public static func describe(_ f: [String: Any]) -> String {
        func n(_ key: String) -> Double { (f[key] as? Double) ?? Double(f[key] as? Int ?? 0) }
        return String(
            format: """
                bench portal: %d akun, %d klien bersamaan, bcrypt biaya %d; lamaran membawa foto %d KB dan ijazah %d KB
                  bcrypt mentah mesin ini: %.1f hash/s (semua inti)
                  batas simpan dokumen mesin ini: %.0f pasang foto + ijazah/s (tulis + fsync, semua inti, tanpa beban lain)
                  buat akun: %.1f/s (rasio %.2f terhadap hash mentah; sasaran >= 0,8), p50 %.1f ms, p99 %.1f ms, %d galat
                  masuk: %.1f/s (rasio %.2f; sasaran >= 0,8), p50 %.1f ms, p99 %.1f ms, %d galat
                  lamaran + 2 dokumen + akhiri: %.1f/s (rasio %.2f terhadap batas simpan; sasaran >= 1.000/s), p50 %.1f ms, p99 %.1f ms, %d galat; CPU portal %.2f ms per lamaran
                  daftar formasi: %.0f/s (sasaran >= 10.000/s), p50 %.2f ms, p99 %.2f ms, %d galat
                  verifikasi email gagal: %d
                """,
            Int(n("accounts")),
            Int(n("concurrency")),
            Int(n("bcrypt_cost")),
            Int(n("photo_kb")),
            Int(n("diploma_kb")),
            n("raw_bcrypt_hashes_per_second"),
            n("document_pairs_stored_per_second"),
            n("signups_per_second"),
            n("signup_to_hash_ratio"),
            n("signup_p50_ms"),
            n("signup_p99_ms"),
            Int(n("signup_errors")),
            n("logins_per_second"),
            n("login_to_hash_ratio"),
            n("login_p50_ms"),
            n("login_p99_ms"),
            Int(n("login_errors")),
            n("submissions_per_second"),
            n("submission_to_storage_ratio"),
            n("submission_p50_ms"),
            n("submission_p99_ms"),
            Int(n("submission_errors")),
            n("submission_server_cpu_ms"),
            n("formation_lists_per_second"),
            n("formation_list_p50_ms"),
            n("formation_list_p99_ms"),
            Int(n("formation_list_errors")),
            Int(n("email_verification_errors"))
        )
            + ((f["error_reasons"] as? [String]) ?? []).map { "\n  galat: " + $0 }.joined()
    }
}

/// CPU time (user + system) a process has used, from `/proc/PID/stat`; nil where there is no /proc.
/// Steadier than a rate on a shared machine: it shows what the server spends per operation.
func processCPUSeconds(_ pid: Int32) -> Double? {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let close = text.lastIndex(of: ")")
    else { return nil }
    // After "pid (comm) ": state is field 3, utime 14 and stime 15.
    let fields = text[text.index(after: close)...].split(separator: " ")
    guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
    return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
}

/// Hands out indices 0..<n to workers.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0

    func take(below limit: Int) -> Int? {
        lock.withLock {
            guard next < limit else { return nil }
            defer { next += 1 }
            return next
        }
    }
}
