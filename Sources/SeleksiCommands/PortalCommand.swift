import ArgumentParser
import Foundation
import HummingbirdOTP
import Logging
import Portal
import Registration
import SeleksiCore
import SeleksiStorage
import ServiceLifecycle
import UnixSignals

/// Options of the portal's commands.
struct PortalOptions: ParsableArguments {
    @Option(name: .customLong("portal-config"), help: "Berkas konfigurasi portal.")
    var portalConfig: String = "Config/portal.yaml"

    /// The file, then the environment, then the command line.
    func settings(httpsPort: Int?, httpPort: Int?, data: String?) throws -> PortalSettings {
        var settings = try PortalSettings.load(file: portalConfig)
        if let data = ProcessInfo.processInfo.environment["SELEKSI_DATA"], !data.isEmpty { settings.data = data + "/portal" }
        if let data { settings.data = data }
        if let httpsPort { settings.httpsPort = httpsPort }
        if let httpPort { settings.httpPort = httpPort }
        return settings
    }
}

/// `seleksi portal`: the registration portal on its own.
struct PortalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "portal",
        abstract: "Portal pendaftaran: akun, formasi, lamaran, verifikasi, sanggahan, kartu ujian.",
        subcommands: [Run.self, Staff.self, TOTPCode.self, Key.self, Backup.self],
        defaultSubcommand: Run.self
    )

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "run", abstract: "Menjalankan portal.")

        @OptionGroup var options: PortalOptions
        @Option(name: .customLong("https-port"), help: "Port HTTPS.") var httpsPort: Int?
        @Option(name: .customLong("http-port"), help: "Port HTTP (hanya mengalihkan ke HTTPS).") var httpPort: Int?
        @Option(help: "Folder data portal (juga lewat SELEKSI_DATA).") var data: String?
        @Flag(help: "Mengisi basis data kosong dengan periode contoh dan mencetak akun stafnya.") var demo = false

        func run() async throws {
            let settings = try options.settings(httpsPort: httpsPort, httpPort: httpPort, data: data)
            let service = try PortalServer.openService(settings: settings)
            if demo { try await PortalDemo.fill(service) }
            var logger = Logger(label: "seleksi.portal")
            logger.logLevel = .info
            let services = try await PortalServer.services(service: service, logger: logger)
            logger.notice("portal: https://\(settings.host):\(settings.httpsPort)/ ; data di \(settings.data)")
            try await ServiceGroup(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger).run()
        }
    }

    struct Staff: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "staff",
            abstract: "Membuat akun staf (atau mengatur ulang); kata sandi dan rahasia TOTP dicetak sekali."
        )

        @OptionGroup var options: PortalOptions
        @Option(help: "Folder data portal (juga lewat SELEKSI_DATA).") var data: String?
        @Option(help: "Nama pengguna.") var username: String
        @Option(help: "Peran: verifier, admin, proctor, interviewer, observer (pengamat periode yang sedang dibuka).") var role: String
        @Option(help: "Kode instansi (wajib untuk verifier).") var agency: String?

        func run() async throws {
            guard let role = StaffRole(rawValue: role) else {
                throw ValidationError("peran harus salah satu dari: \(StaffRole.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let service = try PortalServer.openService(settings: try options.settings(httpsPort: nil, httpPort: nil, data: data))
            let (_, password, secret) = try await service.createStaff(username: username, role: role, agencyID: agency)
            print(PortalDemo.describe(username: username, role: role, password: password, secret: secret))
        }
    }

    struct Backup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "backup",
            abstract: "Mencadangkan basis data portal selagi berjalan (API cadangan daring SQLite), lalu memeriksa salinannya.",
            discussion: """
                Salinannya utuh seperti yang dilihat satu transaksi, meski portal terus menulis. Dokumen tidak \
                ada di basis data: salin folder DATA/documents sesudahnya (dokumen ditulis sebelum basis data \
                merujuknya). Memulihkan: hentikan portal, salin cadangan menjadi DATA/portal.sqlite (hapus \
                portal.sqlite-wal dan -shm yang lama), kembalikan folder dokumen, jalankan lagi.
                """
        )

        @OptionGroup var options: PortalOptions
        @Option(help: "Folder data portal (juga lewat SELEKSI_DATA).") var data: String?
        @Option(help: "Berkas cadangan yang dibuat (tidak boleh sudah ada).") var to: String

        func run() async throws {
            let settings = try options.settings(httpsPort: nil, httpPort: nil, data: data)
            guard settings.store == .sqlite else { throw ValidationError("store: \(settings.store.rawValue): cadangkan dengan alat basis data itu") }
            do {
                let report = try SQLiteBackup.copy(from: settings.data + "/portal.sqlite", to: to)
                print(SQLiteBackup.describe(report, to: to))
                print("Salin juga folder \(settings.data)/documents sesudah ini.")
            } catch let failure as SQLiteBackup.Failure {
                throw ValidationError(failure.description)
            }
        }
    }

    struct Key: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "key",
            abstract: "Mencetak kunci publik portal (dibuat saat pertama dipakai): setiap node ujian dikonfigurasi dengannya (portal_public_key)."
        )

        @OptionGroup var options: PortalOptions
        @Option(help: "Folder data portal (juga lewat SELEKSI_DATA).") var data: String?

        func run() async throws {
            let settings = try options.settings(httpsPort: nil, httpPort: nil, data: data)
            let key = try settings.signingKey()
            print("\(key.publicKey.text)  (id \(key.publicKey.id))")
        }
    }

    struct TOTPCode: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "totp",
            abstract: "Mencetak kode autentikator saat ini untuk sebuah rahasia (untuk demo tanpa ponsel)."
        )

        @Option(help: "Rahasia TOTP yang dicetak saat akun staf dibuat.") var secret: String

        func run() async throws {
            print(String(format: "%06d", TOTP(secret: secret).compute(date: Date())))
        }
    }
}
