import ArgumentParser
import ExamEngine
import ExamNode
import Foundation
import Logging
import Portal
import Registration
import SeleksiAuth
import SeleksiCore
import SeleksiStorage
import ServiceLifecycle
import UnixSignals

/// Options every server command shares.
struct ServerOptions: ParsableArguments {
    @Option(help: "Berkas konfigurasi node ujian.")
    var config: String = "Config/exam-node.yaml"

    @Option(name: .customLong("https-port"), help: "Port HTTPS.")
    var httpsPort: Int?

    @Option(name: .customLong("http-port"), help: "Port HTTP (hanya mengalihkan ke HTTPS).")
    var httpPort: Int?

    @Option(help: "Folder data (juga lewat SELEKSI_DATA).")
    var data: String?

    /// The file, then the environment, then the command line.
    func configuration() throws -> ExamNodeConfiguration {
        var configuration = try ExamNodeConfiguration.load(file: config)
        if let data = ProcessInfo.processInfo.environment["SELEKSI_DATA"], !data.isEmpty { configuration.dataDirectory = data }
        if let data { configuration.dataDirectory = data }
        if let httpsPort { configuration.httpsPort = httpsPort }
        if let httpPort { configuration.httpPort = httpPort }
        return configuration
    }
}

/// `seleksi exam-node`: the exam service a venue runs.
struct ExamNodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exam-node",
        abstract: "Node ujian CAT: HTTPS untuk peserta dan pengawas, dengan penyimpanannya sendiri.",
        subcommands: [Run.self, Proctor.self, Assign.self, Key.self, Import.self, Results.self, Sync.self, Backup.self],
        defaultSubcommand: Run.self
    )

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "run", abstract: "Menjalankan node ujian.")

        @OptionGroup var options: ServerOptions

        func run() async throws {
            let configuration = try options.configuration()
            let node = try await ExamNodeRunner.open(configuration)
            try await ExamNodeRunner.serve(node, configuration: configuration)
        }
    }

    struct Backup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "backup",
            abstract: "Mencadangkan basis data node selagi ujian berjalan (API cadangan daring SQLite), lalu memeriksa salinannya.",
            discussion: """
                Memulihkan: hentikan node, salin cadangan menjadi DATA/exam.sqlite (hapus exam.sqlite-wal dan \
                -shm yang lama), jalankan lagi; peserta yang sedang ujian mendapat kembali waktu node mati.
                """
        )

        @OptionGroup var options: ServerOptions
        @Option(help: "Berkas cadangan yang dibuat (tidak boleh sudah ada).") var to: String

        func run() async throws {
            let configuration = try options.configuration()
            do {
                let report = try SQLiteBackup.copy(from: configuration.dataDirectory + "/exam.sqlite", to: to)
                print(SQLiteBackup.describe(report, to: to))
            } catch let failure as SQLiteBackup.Failure {
                throw ValidationError(failure.description)
            }
        }
    }

    struct Proctor: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "proctor",
            abstract:
                "Membuat akun pengawas (atau mengatur ulang kata sandi dan rahasia autentikatornya); keduanya dicetak sekali, sesi masuk lamanya berakhir."
        )

        @OptionGroup var options: ServerOptions

        @Option(help: "Nama pengguna pengawas.")
        var username: String

        @Option(help: "Lokasi ujian: pengawas melihat semua sesi di lokasi ini. Tanpa ini, hanya sesi yang ditugaskan kepadanya.")
        var venue: String?

        func run() async throws {
            let configuration = try options.configuration()
            let node = try await ExamNodeRunner.open(configuration)
            let password = GeneratedPassword.make()
            let secret = try await node.service.setProctor(username: username, password: password, venue: venue)
            print(
                """
                Pengawas \(username): kata sandi \(password), rahasia autentikator \(secret) (dicetak sekali; simpan baik-baik)
                  untuk aplikasi autentikator: \(TOTPCode.address(secret: secret, account: username, issuer: "Seleksi node"))
                """
            )
        }
    }

    struct Key: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "key",
            abstract: "Mencetak kunci publik node (dibuat saat pertama berjalan) untuk didaftarkan panitia di portal."
        )

        @OptionGroup var options: ServerOptions

        func run() async throws {
            let node = try await ExamNodeRunner.open(try options.configuration())
            print("\(node.signingKey.publicKey.text)  (id \(node.signingKey.publicKey.id))")
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Memuat paket daftar peserta bertanda tangan portal (seleksi handoff export) dari berkas, untuk tempat ujian tanpa jaringan."
        )

        @OptionGroup var options: ServerOptions
        @Argument(help: "Berkas paket.") var file: String

        func run() async throws {
            let node = try await ExamNodeRunner.open(try options.configuration())
            guard let data = FileManager.default.contents(atPath: file) else {
                print("\(file): berkas tidak dapat dibaca")
                throw ExitCode(2)
            }
            do {
                let result = try await node.service.importRosterPackage(data, actor: "sistem")
                print(
                    "Paket versi \(result.version): dibuat \(result.created.joined(separator: ", ")), diganti \(result.replaced.joined(separator: ", ")), tetap \(result.unchanged.joined(separator: ", "))"
                )
            } catch let error as ExamNodeError {
                print(error.message)
                throw ExitCode(2)
            }
        }
    }

    struct Results: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "results",
            abstract: "Menulis paket hasil bertanda tangan node dari sesi yang sudah ditutup, untuk dibawa ke portal (seleksi handoff import-results)."
        )

        @OptionGroup var options: ServerOptions
        @Option(help: "Nomor sesi ujian.") var session: String
        @Option(help: "Berkas tujuan (bawaan: hasil-SESI.json).") var out: String?

        func run() async throws {
            let node = try await ExamNodeRunner.open(try options.configuration())
            do {
                let envelope = try await node.service.resultsPackage(session: session)
                let path = out ?? "hasil-\(session).json"
                guard FileManager.default.createFile(atPath: path, contents: envelope) else {
                    print("\(path): berkas tidak dapat ditulis")
                    throw ExitCode(2)
                }
                print("Paket hasil sesi \(session) ditulis ke \(path) (\(envelope.count) byte).")
            } catch let error as ExamNodeError {
                print(error.message)
                throw ExitCode(2)
            }
        }
    }

    struct Sync: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sync",
            abstract:
                "Mengambil daftar peserta dari portal dan mengirim paket hasil yang menunggu (portal.url di konfigurasi); mengulang dengan jeda bila jaringan putus."
        )

        @OptionGroup var options: ServerOptions
        @Flag(help: "Satu putaran saja, lalu selesai (kode keluar 1 bila portal tidak terjangkau).") var once = false

        func run() async throws {
            let configuration = try options.configuration()
            guard let settings = configuration.portalLink else {
                print("\(options.config): 'portal' (url, node_id) belum diisi; node ini tidak punya tautan ke portal.")
                throw ExitCode(2)
            }
            let node = try await ExamNodeRunner.open(configuration)
            var logger = Logger(label: "seleksi.exam-node.sync")
            logger.logLevel = .info
            let link = try PortalLink(service: node.service, settings: settings, logger: logger)
            if once {
                do {
                    print(try await link.syncOnce())
                    await link.transport.shutdown()
                } catch {
                    await link.transport.shutdown()
                    print("Portal \(settings.url) tidak terjangkau: \(error)")
                    throw ExitCode(1)
                }
                return
            }
            try await ServiceGroup(services: [link], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger).run()
        }
    }

    struct Assign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "assign", abstract: "Menugaskan pengawas ke satu sesi ujian (tercatat di log audit).")

        @OptionGroup var options: ServerOptions

        @Option(help: "Nama pengguna pengawas.")
        var username: String

        @Option(help: "Nomor sesi ujian.")
        var session: String

        func run() async throws {
            let configuration = try options.configuration()
            let node = try await ExamNodeRunner.open(configuration)
            try await node.service.assignProctor(username: username, session: session, actor: "sistem")
            print("Pengawas \(username) ditugaskan ke sesi \(session).")
        }
    }
}

/// `seleksi serve`: everything on one machine: the portal and the exam node in one
/// process, each on its own ports and its own database file.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Menjalankan portal pendaftaran dan node ujian di satu mesin."
    )

    @OptionGroup var options: ServerOptions
    @OptionGroup var portalOptions: PortalOptions

    @Option(name: .customLong("portal-https-port"), help: "Port HTTPS portal.")
    var portalHTTPSPort: Int?

    @Option(name: .customLong("portal-http-port"), help: "Port HTTP portal (hanya mengalihkan ke HTTPS).")
    var portalHTTPPort: Int?

    @Flag(help: "Mengisi basis data kosong dengan data contoh (periode, formasi, staf, sesi ujian, peserta) dan mencetak cara masuknya.")
    var demo = false

    func run() async throws {
        var configuration = try options.configuration()
        // One data folder holds both stores as separate files: the node's at its root, the portal's under portal/.
        let portalData = options.data.map { $0 + "/portal" }
        let settings = try portalOptions.settings(httpsPort: portalHTTPSPort, httpPort: portalHTTPPort, data: portalData)
        // On one machine the node trusts this portal's rosters (the same packages as between machines).
        if configuration.settings.portalPublicKey == nil { configuration.settings.portalPublicKey = try settings.signingKey().publicKey }
        let node = try await ExamNodeRunner.open(configuration)
        let portal = try PortalServer.openService(settings: settings)
        if demo {
            try await PortalDemo.fill(portal)
            try await ExamNodeRunner.fillDemo(node, configuration: configuration, portalKey: try settings.signingKey())
        }
        var logger = Logger(label: "seleksi")
        logger.logLevel = .info
        // The node and the portal exchange the same signed packages as between machines, in the process.
        let link = PortalLink(
            service: node.service,
            settings: PortalLinkSettings(
                url: "https://\(configuration.host):\(settings.httpsPort)",
                nodeID: LocalPortalTransport.nodeID,
                intervalMilliseconds: 2_000
            ),
            transport: LocalPortalTransport(
                portal: portal,
                nodeKey: node.signingKey.publicKey,
                nodeURL: "https://\(configuration.host):\(configuration.httpsPort)"
            ),
            logger: logger
        )
        let services =
            try await ExamNodeRunner.services(node, configuration: configuration, logger: logger)
            + (try await PortalServer.services(service: portal, logger: logger)) + [link]
        logger.notice(
            "portal: https://\(settings.host):\(settings.httpsPort)/ (data \(settings.data)); node ujian: https://\(configuration.host):\(configuration.httpsPort)/ (data \(configuration.dataDirectory))"
        )
        try await ServiceGroup(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger).run()
    }
}

enum ExamNodeRunner {
    static func open(_ configuration: ExamNodeConfiguration) async throws -> ExamNode {
        do {
            return try buildExamNode(configuration)
        } catch let problems as BankProblems {
            print("Bank soal atau aturan bermasalah; node tidak dijalankan:\n\(problems)")
            throw ExitCode(2)
        }
    }

    static func serve(_ node: ExamNode, configuration: ExamNodeConfiguration) async throws {
        var logger = Logger(label: "seleksi.exam-node")
        logger.logLevel = .info
        let services = try await self.services(node, configuration: configuration, logger: logger)
        let group = ServiceGroup(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        try await group.run()
    }

    /// The node's services, after crediting the downtime its heartbeat proves.
    static func services(_ node: ExamNode, configuration: ExamNodeConfiguration, logger: Logger) async throws -> [any Service] {
        let services = try await node.services(logger: logger)
        logger.notice(
            "node ujian: https://\(configuration.host):\(configuration.httpsPort)/ (pengawas: /pengawas), http://\(configuration.host):\(configuration.httpPort) mengalihkan; data di \(configuration.dataDirectory)"
        )
        return services
    }

    /// A demo session from a roster package signed with this machine's portal key, as a
    /// portal would send it (the candidates are the demo's own, not the portal's applicants).
    static func fillDemo(_ node: ExamNode, configuration: ExamNodeConfiguration, portalKey: SigningKey) async throws {
        let service = node.service
        guard try await service.sessions().isEmpty else {
            print("Data contoh sudah ada di \(configuration.dataDirectory); tidak diisi ulang.")
            return
        }
        let password = GeneratedPassword.make()
        let secret = try await service.setProctor(username: "pengawas", password: password)
        let now = SystemClock().nowMilliseconds()
        // Access codes as a portal would print them on the exam cards (here from a key of the moment).
        let key = (0..<32).map { _ in UInt8.random(in: 0...255) }
        let people: [(String, String, FormationType, [String], String)] = [
            ("2024000001", "Ani Lestari", .general, [], "umum"), ("2024000002", "Budi Santoso", .disability, ["tunanetra"], "disabilitas, tunanetra"),
            ("2024000003", "Citra Dewi", .cumlaude, [], "cumlaude"), ("2024000004", "Daniel Wenda", .papua, [], "Papua"),
        ]
        let codes = people.map { AccessCode.derive(participantNumber: $0.0, periodID: "demo", key: key) }
        let id = "sesi-contoh-1"
        let package = RosterPackage(
            periodID: "demo",
            nodeID: "node-contoh",
            nodeKeyID: node.signingKey.publicKey.id,
            version: 1,
            createdAt: now,
            sessions: [
                RosterPackage.Session(
                    id: id,
                    venue: "Kantor Regional Contoh, Ruang 1",
                    timeZone: .wib,
                    ruleSetID: "skd-2024",
                    scheduledStart: now,
                    scheduledEnd: now + 100 * 60_000,
                    participants: zip(people, codes).map { person, code in
                        RosterPackage.Participant(
                            participantNumber: person.0,
                            name: person.1,
                            formationType: person.2,
                            accommodations: person.3,
                            accessCodeDigest: AccessCode.digest(code)
                        )
                    }
                )
            ]
        )
        _ = try await service.importRosterPackage(
            SignedEnvelope.seal(kind: RosterPackage.kind, payload: package.encoded(), key: portalKey).encoded(),
            actor: "demo"
        )
        try await service.assignProctor(username: "pengawas", session: id, actor: "demo")
        try await service.openSession(id, actor: "demo")
        let session = try await service.session(id)
        let message = """
            Data contoh dibuat (dicetak sekali):
              Pengawas   : https://\(configuration.host):\(configuration.httpsPort)/pengawas  pengguna "pengawas", kata sandi \(password), rahasia autentikator \(secret)
                           (kode saat ini: seleksi portal totp --secret \(secret))
              Peserta    : https://\(configuration.host):\(configuration.httpsPort)/  PIN sesi \(session.pin)
                           \(zip(people, codes).map { "\($0.0) kode akses \($1) (\($0.4))" }.joined(separator: ",\n                           "))
            Sertifikat swatanda: peramban akan meminta konfirmasi sekali.

            """
        // Straight to the file descriptor: the server runs on, so a buffered print would wait.
        FileHandle.standardOutput.write(Data(message.utf8))
    }
}
