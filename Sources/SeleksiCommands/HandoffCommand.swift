import ArgumentParser
import Foundation
import Portal
import Registration

/// `seleksi handoff`: the signed packages between the portal and its exam nodes, as files
/// (for a venue with no link).
struct HandoffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "handoff",
        abstract: "Paket bertanda tangan antara portal dan node ujian, sebagai berkas.",
        subcommands: [Export.self, ImportResults.self]
    )

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Menulis paket daftar peserta (bertanda tangan portal) untuk satu node; versi baru hanya bila isinya berubah."
        )

        @OptionGroup var options: PortalOptions
        @Option(help: "Folder data portal (juga lewat SELEKSI_DATA).") var data: String?
        @Option(help: "Kode node yang terdaftar.") var node: String
        @Option(help: "Berkas tujuan (bawaan: roster-NODE-vVERSI.json).") var out: String?

        func run() async throws {
            let service = try PortalServer.openService(settings: try options.settings(httpsPort: nil, httpPort: nil, data: data))
            do {
                let package = try await service.rosterPackage(staff: nil, nodeID: node)
                let file = out ?? "roster-\(node)-v\(package.version).json"
                try package.envelope.write(to: URL(fileURLWithPath: file))
                print("Paket daftar peserta node \(node) versi \(package.version) ditulis ke \(file) (\(package.envelope.count) byte).")
            } catch let error as RegistrationError {
                print(error.message)
                throw ExitCode(2)
            }
        }
    }

    struct ImportResults: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import-results",
            abstract: "Menerima paket hasil bertanda tangan node (seleksi exam-node results) dari berkas; paket yang sama lagi tidak mengubah apa pun."
        )

        @OptionGroup var options: PortalOptions
        @Option(help: "Folder data portal (juga lewat SELEKSI_DATA).") var data: String?
        @Argument(help: "Berkas paket hasil.") var file: String

        func run() async throws {
            let service = try PortalServer.openService(settings: try options.settings(httpsPort: nil, httpPort: nil, data: data))
            guard let bytes = FileManager.default.contents(atPath: file) else {
                print("\(file): berkas tidak dapat dibaca")
                throw ExitCode(2)
            }
            do {
                let imported = try await service.importResults(bytes, staff: nil)
                print(
                    imported.unchanged
                        ? "Paket hasil sesi \(imported.sessionID) sudah diterima sebelumnya; tidak ada yang berubah."
                        : "Paket hasil sesi \(imported.sessionID) dari node \(imported.nodeID) diterima: \(imported.candidates) peserta, digest \(imported.digest)."
                )
            } catch let error as RegistrationError {
                print(error.message)
                throw ExitCode(2)
            }
        }
    }
}
